from __future__ import annotations

import pytest
from wagtail.models import Site

from cms.models import NavigationSettings, SiteSettings
from tests.cms.conftest import make_standard_page

pytestmark = pytest.mark.django_db


def link(label: str, *, page=None, url: str = "") -> dict:
    return {"type": "link", "value": {"label": label, "page": page.pk if page else None, "url": url}}


@pytest.fixture
def site(home) -> Site:
    return Site.objects.get(is_default_site=True)


def test_header_and_footer_show_the_navigation_settings(client, home, site):
    help_page = make_standard_page(home, "帮助中心", slug="help")
    NavigationSettings.objects.create(
        site=site,
        header_links=[link("课程中心", url="/courses/"), link("帮助中心", page=help_page)],
        footer_links=[link("关于我们", url="https://example.edu.cn/about")],
    )
    SiteSettings.objects.create(
        site=site, footer_text="主办：省教育厅", icp_number="京ICP备00000000号-1",
        contact_phone="010-12345678", contact_email="support@example.edu.cn",
    )

    body = client.get("/").content.decode()
    header, footer = body.split("</header>")[0], body.split("<footer")[1]

    assert '<a href="/courses/">课程中心</a>' in header
    assert '<a href="/help/">帮助中心</a>' in header
    assert '<a href="https://example.edu.cn/about">关于我们</a>' in footer
    assert "主办：省教育厅" in footer
    assert "京ICP备00000000号-1" in footer and "https://beian.miit.gov.cn/" in footer
    assert "010-12345678" in footer and "support@example.edu.cn" in footer


def test_without_settings_the_footer_shows_the_platform_name_and_login_stays(client, home):
    body = client.get("/").content.decode()
    footer = body.split("<footer")[1]

    assert "教师信息技术应用能力培训与认证平台" in footer
    assert "beian.miit.gov.cn" not in footer
    assert 'href="/accounts/login/"' in body


def test_a_link_to_an_unpublished_page_is_left_out(client, home, site):
    draft = make_standard_page(home, "筹备中的栏目", slug="soon")
    draft.unpublish()
    NavigationSettings.objects.create(site=site, header_links=[link("筹备中的栏目", page=draft)])

    header = client.get("/").content.decode().split("</header>")[0]

    assert "筹备中的栏目" not in header


def test_the_current_page_is_marked_in_the_header(client, home, site):
    make_standard_page(home, "帮助中心", slug="help")
    NavigationSettings.objects.create(site=site, header_links=[link("帮助中心", url="/help/")])

    header = client.get("/help/").content.decode().split("</header>")[0]

    assert '<a href="/help/" aria-current="page">帮助中心</a>' in header


def test_a_link_needs_a_page_or_an_address(home):
    from django.core.exceptions import ValidationError

    block = NavigationSettings._meta.get_field("header_links").stream_block.child_blocks["link"]
    for value in ({"label": "空", "page": None, "url": ""}, {"label": "两者", "page": home, "url": "/x/"},
                  {"label": "坏地址", "page": None, "url": "javascript:alert(1)"}):
        with pytest.raises(ValidationError):
            block.clean(block.to_python({**value, "page": value["page"].pk if value["page"] else None}))
    assert block.clean(block.to_python({"label": "课程", "page": None, "url": "/courses/"}))["url"] == "/courses/"
