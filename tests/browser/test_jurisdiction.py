"""A county administrator sees exactly their county's teachers; a teacher is refused the admin list."""

from __future__ import annotations

import pytest

from lms.models import Role
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, build_tree, make_teacher, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def province():
    tree = build_tree()
    inside = [
        make_teacher(school=tree.school_a1_1, real_name="李明"),
        make_teacher(school=tree.school_a1_1, real_name="王芳"),
        make_teacher(school=tree.school_a1_2, real_name="赵强"),
    ]
    outside = [
        make_teacher(school=tree.school_a2_1, real_name="陈静"),
        make_teacher(school=tree.school_b1_1, real_name="刘洋"),
    ]
    make_user("county_a1", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    teacher_user = inside[0].user
    teacher_user.username = "teacher_li"
    teacher_user.set_password(PASSWORD)
    teacher_user.save()
    return tree, inside, outside


def test_county_admin_sees_exactly_their_county(page, live_server, province):
    _tree, inside, outside = province
    log_in(page, live_server, "county_a1", PASSWORD)
    page.goto(f"{live_server.url}/manage/teachers/")
    names = sorted(page.locator("#teachers tbody tr td:first-child").all_inner_texts())
    assert names == sorted(t.real_name for t in inside)
    assert not set(names) & {t.real_name for t in outside}
    masked = page.locator("#teachers tbody tr td:nth-child(2)").all_inner_texts()
    assert all("**********" in value for value in masked)
    page.screenshot(path="test-results/county-admin-teachers.png", full_page=True)


def test_teacher_is_refused_the_admin_list(page, live_server, province):
    log_in(page, live_server, "teacher_li", PASSWORD)
    response = page.goto(f"{live_server.url}/manage/teachers/")
    assert response.status == 403
    assert "拒绝" in page.inner_text("h1")
    assert page.locator("#teachers").count() == 0


def test_wrong_password_is_answered_in_chinese(page, live_server, province):
    log_in(page, live_server, "county_a1", "wrong-password-1A!")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    assert "用户名" in page.inner_text("[role=alert]")
