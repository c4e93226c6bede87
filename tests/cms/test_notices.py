from __future__ import annotations

import datetime

import pytest

from cms.models import NoticePage
from tests.cms.conftest import make_notice

pytestmark = pytest.mark.django_db

D = datetime.date


def listed_titles(body: str, titles: list[str]) -> list[str]:
    """The given titles in the order they appear on the page."""
    found = [t for t in titles if t in body]
    return sorted(found, key=body.index)


def test_index_lists_pinned_notices_first_then_newest_first(client, notice_index):
    make_notice(notice_index, "一月的通知", on=D(2026, 1, 10))
    make_notice(notice_index, "三月的通知", on=D(2026, 3, 10))
    make_notice(notice_index, "置顶的旧通知", on=D(2025, 9, 1), pinned=True)
    make_notice(notice_index, "二月的通知", on=D(2026, 2, 10))

    response = client.get("/notices/")

    body = response.content.decode()
    assert response.status_code == 200
    titles = ["置顶的旧通知", "三月的通知", "二月的通知", "一月的通知"]
    assert listed_titles(body, titles) == titles
    assert "置顶" in body


def test_index_shows_twenty_notices_a_page(client, notice_index):
    for day in range(1, 23):
        make_notice(notice_index, f"通知第{day:02d}号", on=D(2026, 1, day))

    first = client.get("/notices/").content.decode()
    second = client.get("/notices/?page=2").content.decode()

    assert "通知第22号" in first and "通知第03号" in first and "通知第02号" not in first
    assert "通知第02号" in second and "通知第01号" in second and "通知第22号" not in second
    assert "第 1 页，共 2 页" in first and "下一页" in first


def test_index_filters_by_year(client, notice_index):
    make_notice(notice_index, "二〇二五年的通知", on=D(2025, 6, 1))
    make_notice(notice_index, "二〇二六年的通知", on=D(2026, 6, 1))

    body = client.get("/notices/?year=2025").content.decode()

    assert "二〇二五年的通知" in body and "二〇二六年的通知" not in body
    assert "2026年" in body  # the other year stays offered as a filter


def test_a_year_without_notices_or_not_a_year_shows_all(client, notice_index):
    make_notice(notice_index, "二〇二六年的通知", on=D(2026, 6, 1))

    for query in ("?year=1999", "?year=abc"):
        response = client.get(f"/notices/{query}")
        assert response.status_code == 200
        assert "二〇二六年的通知" in response.content.decode()


def test_unpublished_notices_are_not_listed(client, notice_index):
    make_notice(notice_index, "已撤回的通知", on=D(2026, 1, 1)).unpublish()

    body = client.get("/notices/").content.decode()

    assert "已撤回的通知" not in body
    assert "暂无通知公告" in body


def test_notice_page_shows_its_body_issuer_and_date(client, notice_index):
    notice = make_notice(
        notice_index,
        "关于开展校本研修的通知",
        on=D(2026, 3, 2),
        issuer="省教育厅教师工作处",
        body="<p>每位教师至少选择3个能力点。</p>",
    )

    response = client.get(notice.url)

    body = response.content.decode()
    assert response.status_code == 200
    assert "每位教师至少选择3个能力点。" in body
    assert "省教育厅教师工作处" in body
    assert "2026-03-02" in body
    assert "发布单位" in body


def test_notice_keeps_a_plain_text_copy_of_its_body_for_search(notice_index):
    notice = make_notice(notice_index, "通知", on=D(2026, 1, 1), body="<p>第一段</p><p>第二段</p>")

    assert NoticePage.objects.get(pk=notice.pk).search_text == "第一段 第二段"
