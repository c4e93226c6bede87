from __future__ import annotations

import pytest
from wagtail.models import Page

from cms.models import HomePage, NoticeIndexPage, NoticePage, StandardPage
from tests.cms.conftest import make_standard_page

pytestmark = pytest.mark.django_db


def test_notice_index_pages_go_under_the_home_page_only(home, notice_index):
    assert NoticeIndexPage.can_create_at(home)
    assert not NoticeIndexPage.can_create_at(notice_index)
    assert not NoticeIndexPage.can_create_at(make_standard_page(home, "关于平台"))
    assert not NoticeIndexPage.can_create_at(Page.get_first_root_node())


def test_notices_go_under_a_notice_index_only(home, notice_index):
    assert NoticePage.can_create_at(notice_index)
    assert not NoticePage.can_create_at(home)
    assert not NoticePage.can_create_at(make_standard_page(home, "帮助中心"))
    assert NoticeIndexPage.allowed_subpage_models() == [NoticePage]
    assert NoticePage.allowed_subpage_models() == []


def test_standard_pages_go_under_the_home_page_and_other_standard_pages(home, notice_index):
    about = make_standard_page(home, "关于平台")
    assert StandardPage.can_create_at(home)
    assert StandardPage.can_create_at(about)
    assert not StandardPage.can_create_at(notice_index)


def test_there_is_one_home_page(home):
    assert not HomePage.can_create_at(Page.get_first_root_node())
