from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page

from cms.api import cms_demo_content_ensure
from cms.models import NavigationSettings, NoticeIndexPage, NoticePage, SiteSettings, StandardPage
from tests.cms.conftest import make_notice

pytestmark = pytest.mark.django_db


def test_home_page_shows_the_five_latest_notices_pinned_first(client, notice_index):
    for day in range(1, 8):
        make_notice(notice_index, f"日常通知{day}", on=datetime.date(2026, 3, day))
    make_notice(notice_index, "置顶通知", on=datetime.date(2025, 1, 1), pinned=True)

    body = client.get("/").content.decode()

    assert "最新通知" in body
    assert body.index("置顶通知") < body.index("日常通知7") < body.index("日常通知4")
    assert "日常通知3" not in body
    assert 'href="/notices/"' in body


def test_home_page_links_to_the_course_catalog_when_there_is_one(client, home):
    assert "浏览课程目录" not in client.get("/").content.decode()
    # A stand-in page of the courses app's catalog type: cms finds it by content type, not by import.
    catalog_type, _ = ContentType.objects.get_or_create(app_label="courses", model="catalogpage")
    home.add_child(instance=Page(title="课程中心", slug="courses", content_type=catalog_type))

    body = client.get("/").content.decode()

    assert "浏览课程目录" in body
    assert 'href="/courses/"' in body


def test_demo_content_is_created_once(client):
    cms_demo_content_ensure()
    cms_demo_content_ensure()

    assert NoticeIndexPage.objects.filter(slug="notices").count() == 1
    assert NoticePage.objects.live().count() == 3
    assert NoticePage.objects.filter(pinned=True).count() == 1
    assert set(StandardPage.objects.values_list("slug", flat=True)) == {"about", "help"}
    assert SiteSettings.objects.count() == 1 and NavigationSettings.objects.count() == 1
    navigation = NavigationSettings.objects.get()
    assert [b.value["label"] for b in navigation.header_links] == ["首页", "课程中心", "通知公告", "帮助中心"]
    assert [b.value["label"] for b in navigation.footer_links] == ["关于平台", "帮助中心"]

    body = client.get("/").content.decode()
    assert '<a href="/notices/">通知公告</a>' in body
    assert "关于开展信息技术应用能力提升工程2.0校本研修的通知" in body
    assert "ICP" in body.split("<footer")[1]
    assert "培训课程备案结果的公告" in client.get("/search/", {"q": "课堂讲授"}).content.decode()


def test_demo_content_leaves_an_editor_s_changes_alone(client):
    cms_demo_content_ensure()
    SiteSettings.objects.update(footer_text="编辑改过的页脚")
    StandardPage.objects.filter(slug="about").update(title="平台简介")

    cms_demo_content_ensure()

    assert SiteSettings.objects.get().footer_text == "编辑改过的页脚"
    assert not StandardPage.objects.filter(title="关于平台").exists()
