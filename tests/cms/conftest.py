from __future__ import annotations

import datetime
from typing import Any

import pytest
from wagtail.models import Page

from cms.models import HomePage, NoticeIndexPage, NoticePage, StandardPage


def publish_child(parent: Page, page: Page) -> Any:
    """Add a page under parent and publish it the way an editor does (revision, then publish)."""
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def make_notice(index: NoticeIndexPage, title: str, *, on: datetime.date, pinned: bool = False, **fields: Any) -> NoticePage:
    fields.setdefault("body", f"<p>{title}的正文。</p>")
    return publish_child(index, NoticePage(title=title, date_published=on, pinned=pinned, **fields))


def make_standard_page(parent: Page, title: str, **fields: Any) -> StandardPage:
    return publish_child(parent, StandardPage(title=title, **fields))


@pytest.fixture
def home(db) -> HomePage:
    """The platform's home page, created by migration cms/0002 at the site root."""
    return HomePage.objects.get()


@pytest.fixture
def notice_index(home) -> NoticeIndexPage:
    return publish_child(home, NoticeIndexPage(title="通知公告", slug="notices"))
