from __future__ import annotations

import datetime

import pytest
from wagtail.models import PageViewRestriction

from tests.cms.conftest import make_notice, make_standard_page

pytestmark = pytest.mark.django_db


def search(client, query: str, **params: str):
    return client.get("/search/", {"q": query, **params})


def test_a_chinese_word_finds_a_page_whose_title_contains_it(client, home):
    make_standard_page(home, "技术支持的课堂讲授")

    response = search(client, "课堂")

    body = response.content.decode()
    assert response.status_code == 200
    assert "技术支持的课堂讲授" in body
    assert "普通页面" in body  # the page type
    assert "找到 1 条" in body


def test_words_in_a_notice_summary_or_body_are_found_with_a_snippet(client, notice_index):
    make_notice(
        notice_index, "关于学时认定的通知", on=datetime.date(2026, 2, 20),
        summary="年度学时认定于12月15日截止。", body="<p>教师可通过所在学校提出补登申请。</p>",
    )

    by_summary = search(client, "学时认定").content.decode()
    by_body = search(client, "补登申请").content.decode()

    assert "关于学时认定的通知" in by_summary and "2026-02-20" in by_summary
    assert "关于学时认定的通知" in by_body
    assert "<mark>补登申请</mark>" in by_body
    assert "通知公告" in by_body  # the page type


def test_words_in_a_standard_page_body_are_found(client, home):
    make_standard_page(
        home, "帮助中心",
        body=[{"type": "paragraph", "value": "<p>忘记密码请联系本校管理员重置。</p>"}],
    )

    body = search(client, "管理员重置").content.decode()

    assert "帮助中心" in body
    assert "<mark>管理员重置</mark>" in body


def test_unpublished_and_private_pages_are_not_found(client, home):
    make_standard_page(home, "草稿：课堂观察量表").unpublish()
    private = make_standard_page(home, "内部：课堂评价细则")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)

    body = search(client, "课堂").content.decode()

    assert "课堂观察量表" not in body
    assert "课堂评价细则" not in body
    assert "没有找到" in body


def test_an_empty_or_one_character_query_asks_for_more(client):
    for query in ("", " ", "课"):
        response = search(client, query)
        assert response.status_code == 200
        assert "请输入至少 2 个字" in response.content.decode()


def test_an_over_long_query_is_refused_with_the_reason(client, home):
    make_standard_page(home, "技术支持的课堂讲授")

    response = search(client, "课堂" * 51)

    body = response.content.decode()
    assert response.status_code == 400
    assert "搜索词过长" in body and "100" in body
    assert "技术支持的课堂讲授" not in body


def test_results_are_paginated_and_keep_the_query(client, home):
    for n in range(25):
        make_standard_page(home, f"课堂案例{n:02d}")

    first = search(client, "课堂案例").content.decode()
    second = search(client, "课堂案例", page="2").content.decode()

    assert "找到 25 条" in first
    assert first.count('class="hit-title"') == 20
    assert second.count('class="hit-title"') == 5
    assert "q=%E8%AF%BE%E5%A0%82%E6%A1%88%E4%BE%8B&amp;page=2" in first


def test_the_header_search_box_sends_queries_to_site_search(client):
    body = client.get("/").content.decode()

    assert 'action="/search/"' in body
    assert 'name="q"' in body


def test_a_query_with_a_null_character_is_refused(client):
    response = search(client, "课堂\x00讲授")

    assert response.status_code == 400
    assert "无法搜索的字符" in response.content.decode()
