"""An institution editor submits a course in Wagtail; the county administrator approves it and files its hours."""

from __future__ import annotations

from decimal import Decimal

import pytest

from courses.models import CourseHours, CoursePage
from lms.api import OrganisationKind
from lms.services import organisation_create
from tests.browser.conftest import log_in
from tests.courses.catalog_factories import make_course
from tests.factories import PASSWORD, Role, build_tree, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def draft_course():
    tree = build_tree()
    institution = organisation_create(
        parent=tree.county_a1, kind=OrganisationKind.INSTITUTION, code="JG0101", name="甲一县教师进修学校"
    )
    make_user("jg_editor", role=Role.INSTITUTION_EDITOR, organisation=institution)
    make_user("county_a1", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    make_user("county_a2", role=Role.COUNTY_ADMIN, organisation=tree.county_a2)
    other = make_course(institution=tree.institution, title="别家机构的课程")
    course = make_course(
        institution=institution, title="技术支持的课堂讲授（县级）", publish=False, file_hours=False,
        proposed_hours_online=Decimal(12),
    )
    return course, other


def test_editor_submits_and_the_county_approves(page, live_server, draft_course):
    course, other = draft_course
    log_in(page, live_server, "jg_editor", PASSWORD)

    response = page.goto(f"{live_server.url}/admin/pages/{other.pk}/edit/")
    assert response is not None and response.status in (302, 403) or "权限" in page.content()
    assert "别家机构的课程" not in (page.locator("input#id_title").input_value() if page.locator("input#id_title").count() else "")

    page.goto(f"{live_server.url}/admin/pages/{course.pk}/edit/")
    page.locator("[data-w-dropdown-target='toggle']").last.click()
    page.locator("button[name='action-submit']").click()
    page.wait_for_load_state("networkidle")
    course.refresh_from_db()
    assert course.workflow_in_progress and not course.live

    page.context.clear_cookies()
    log_in(page, live_server, "county_a2", PASSWORD)
    page.goto(f"{live_server.url}/admin/pages/{course.pk}/edit/")
    assert page.locator("button[name='action-workflow-action']").count() == 0

    page.context.clear_cookies()
    log_in(page, live_server, "county_a1", PASSWORD)
    page.goto(f"{live_server.url}/admin/")
    assert "技术支持的课堂讲授（县级）" in page.inner_text("body")
    page.goto(f"{live_server.url}/admin/pages/{course.pk}/edit/")
    page.locator("[data-w-dropdown-target='toggle']").last.click()
    page.locator("button[data-workflow-action-name='approve'], button[value='approve']").first.click()
    modal = page.locator(".modal-content, [role='dialog']").last
    modal.locator("input[name='hours_online']").fill("10")
    modal.locator("textarea[name='comment']").fill("同意备案，学时核定为 10")
    modal.locator("button[type='submit'], input[type='submit']").last.click()
    page.wait_for_load_state("networkidle")
    page.screenshot(path="test-results/course-approved.png", full_page=True)

    course = CoursePage.objects.get(pk=course.pk)
    assert course.live
    assert CourseHours.objects.get(course=course).online == Decimal(10)
    page.goto(f"{live_server.url}{course.url}")
    assert "技术支持的课堂讲授（县级）" in page.inner_text("h1")
