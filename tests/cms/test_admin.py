from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import Site

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    admin = get_user_model().objects.create_superuser("cms-admin", "cms-admin@example.edu.cn", "pw-Unused-123")
    client.force_login(admin)
    return client


def test_home_page_offers_the_notice_index_and_standard_page_types(editor_client, home):
    body = editor_client.get(f"/admin/pages/{home.pk}/add_subpage/").content.decode()

    assert "通知公告栏目" in body and "普通页面" in body


@pytest.mark.parametrize("model", ["noticeindexpage", "standardpage"])
def test_the_add_forms_render(editor_client, home, model):
    response = editor_client.get(f"/admin/pages/add/cms/{model}/{home.pk}/")

    assert response.status_code == 200


def test_the_notice_add_form_renders_under_a_notice_index(editor_client, notice_index):
    response = editor_client.get(f"/admin/pages/add/cms/noticepage/{notice_index.pk}/")

    assert response.status_code == 200
    assert "置顶" in response.content.decode()


@pytest.mark.parametrize("model", ["sitesettings", "navigationsettings"])
def test_settings_are_editable_under_settings(editor_client, home, model):
    site = Site.objects.get(is_default_site=True)

    menu = editor_client.get("/admin/").content.decode()
    response = editor_client.get(f"/admin/settings/cms/{model}/{site.pk}/")

    assert f"/admin/settings/cms/{model}/" in menu
    assert response.status_code == 200
