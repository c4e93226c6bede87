"""Who may edit what, and publishing through the bureau's approval (课程备案)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.models import Page, TaskState

from courses.models import CourseHours, CoursePage, ProviderIndexPage
from courses.selectors import courses_published, user_can_approve_course_page
from lms.api import OrganisationKind
from lms.services import organisation_create, role_revoke
from lms.models import RoleGrant
from tests.courses.catalog_factories import make_course
from tests.factories import Role, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_institution(tree):
    return organisation_create(
        parent=tree.county_a1, kind=OrganisationKind.INSTITUTION, code="JG0101", name="甲一县教师进修学校"
    )


def _submit(course: CoursePage, user) -> TaskState:
    revision = course.save_revision(user=user)
    workflow = course.get_workflow()
    assert workflow is not None
    state = workflow.start(course, user)
    assert state.current_task_state.revision_id == revision.pk
    return state.current_task_state


def test_creating_an_institution_gives_it_a_folder_and_an_editor_group(tree, county_institution):
    folder = ProviderIndexPage.objects.get(institution=county_institution)
    editor = make_user("jg_editor", role=Role.INSTITUTION_EDITOR, organisation=county_institution)
    assert folder.permissions_for_user(editor).can_add_subpage()
    assert folder.permissions_for_user(editor).can_edit()
    assert not folder.permissions_for_user(editor).can_publish()


def test_an_editor_cannot_edit_another_institutions_courses(tree, county_institution):
    other_course = make_course(institution=tree.institution)
    editor = make_user("jg_editor", role=Role.INSTITUTION_EDITOR, organisation=county_institution)
    assert not other_course.permissions_for_user(editor).can_edit()
    own_folder = ProviderIndexPage.objects.get(institution=county_institution)
    assert not ProviderIndexPage.objects.get(institution=tree.institution).permissions_for_user(editor).can_add_subpage()
    assert own_folder.permissions_for_user(editor).can_add_subpage()


def test_revoking_the_editor_role_removes_the_page_permissions(tree, county_institution):
    editor = make_user("jg_editor", role=Role.INSTITUTION_EDITOR, organisation=county_institution)
    role_revoke(grant=RoleGrant.objects.get(user=editor, role=Role.INSTITUTION_EDITOR))
    folder = ProviderIndexPage.objects.get(institution=county_institution)
    assert not folder.permissions_for_user(editor).can_add_subpage()


def test_only_the_accrediting_bureau_and_above_may_approve(tree, county_institution):
    course = make_course(institution=county_institution, publish=False, file_hours=False)
    assert user_can_approve_course_page(user=make_user("c1", role=Role.COUNTY_ADMIN, organisation=tree.county_a1), page=course)
    assert user_can_approve_course_page(user=make_user("p", role=Role.PROVINCE_ADMIN, organisation=tree.province), page=course)
    assert not user_can_approve_course_page(
        user=make_user("c2", role=Role.COUNTY_ADMIN, organisation=tree.county_a2), page=course
    )
    assert not user_can_approve_course_page(
        user=make_user("s", role=Role.SCHOOL_ADMIN, organisation=tree.school_a1_1), page=course
    )


def test_approval_publishes_the_course_and_files_the_bureaus_hours(tree, county_institution):
    editor = make_user("jg_editor", role=Role.INSTITUTION_EDITOR, organisation=county_institution)
    course = make_course(
        institution=county_institution, publish=False, file_hours=False, proposed_hours_online=Decimal(20)
    )
    state = _submit(course, editor)
    county = make_user("c1", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    task = state.task.specific
    assert [name for name, *_ in task.get_actions(course, county)] == ["reject", "approve"]
    task.on_action(state, county, "approve", comment="同意备案", hours_online=Decimal(16))
    course.refresh_from_db()
    assert course.live
    assert CourseHours.objects.get(course=course).online == Decimal(16)
    assert list(courses_published()) == [course]


def test_a_county_admin_elsewhere_cannot_act_on_the_task(tree, county_institution):
    editor = make_user("jg_editor", role=Role.INSTITUTION_EDITOR, organisation=county_institution)
    course = make_course(institution=county_institution, publish=False, file_hours=False)
    state = _submit(course, editor)
    outsider = make_user("c2", role=Role.COUNTY_ADMIN, organisation=tree.county_a2)
    assert state.task.specific.get_actions(course, outsider) == []
    with pytest.raises(PermissionDenied):
        state.task.specific.on_action(state, outsider, "approve", comment="")
    course.refresh_from_db()
    assert not course.live and not CourseHours.objects.filter(course=course).exists()


def test_rejection_keeps_the_course_unpublished_with_the_comment(tree, county_institution):
    editor = make_user("jg_editor", role=Role.INSTITUTION_EDITOR, organisation=county_institution)
    course = make_course(institution=county_institution, publish=False, file_hours=False)
    state = _submit(course, editor)
    county = make_user("c1", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    state.task.specific.on_action(state, county, "reject", comment="学时偏高，请修改")
    state.refresh_from_db()
    course.refresh_from_db()
    assert state.status == TaskState.STATUS_REJECTED and state.comment == "学时偏高，请修改"
    assert not course.live


def test_approving_lower_hours_publishes_the_filed_figures(tree, county_institution):
    editor = make_user("jg_editor", role=Role.INSTITUTION_EDITOR, organisation=county_institution)
    course = make_course(
        institution=county_institution, publish=False, file_hours=False, proposed_hours_online=Decimal(20)
    )
    state = _submit(course, editor)
    county = make_user("c1", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    state.task.specific.on_action(state, county, "approve", comment="", hours_online=Decimal(12))
    course.refresh_from_db()
    assert course.live and course.proposed_hours_online == Decimal(12)


def test_the_pages_a_bureau_moderates_are_those_of_institutions_below_it(tree, county_institution):
    from courses.selectors import course_pages_user_can_approve

    own = make_course(institution=county_institution, publish=False, file_hours=False)
    provincial = make_course(institution=tree.institution, publish=False, file_hours=False)
    county = make_user("c1", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    province = make_user("p", role=Role.PROVINCE_ADMIN, organisation=tree.province)
    elsewhere = make_user("c2", role=Role.COUNTY_ADMIN, organisation=tree.county_a2)

    county_pages = set(course_pages_user_can_approve(user=county).values_list("pk", flat=True))
    assert own.pk in county_pages and provincial.pk not in county_pages
    assert set(Page.objects.descendant_of(own).values_list("pk", flat=True)) <= county_pages
    assert ProviderIndexPage.objects.get(institution=county_institution).pk not in county_pages
    assert {own.pk, provincial.pk} <= set(course_pages_user_can_approve(user=province).values_list("pk", flat=True))
    assert not course_pages_user_can_approve(user=elsewhere).exists()
