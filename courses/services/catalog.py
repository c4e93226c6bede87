"""Writes on the catalog: the catalog page, one folder + editor group per institution,
courses built from code (demo data, tests, benchmarks), and the bureau's approval with hours filing."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Site,
    TaskState,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from courses.models import (
    BureauApprovalTask,
    CatalogPage,
    CourseHours,
    CoursePage,
    LessonPage,
    ModulePage,
    ProviderIndexPage,
    page_course,
)
from lms.api import ORGANISATION_MANAGER_ROLES, Organisation, OrganisationKind, Role, active_grants

EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "lock_page", "unlock_page")
BUREAU_PAGE_PERMISSIONS = ("change_page", "publish_page")
EDITOR_MEDIA_PERMISSIONS = (
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
)
WORKFLOW_NAME = "课程备案审批"


def catalog_ensure() -> CatalogPage:
    """The one catalog page, under the default site's home page (slug "courses")."""
    existing = CatalogPage.objects.first()
    if existing is not None:
        return existing
    home = Site.objects.get(is_default_site=True).root_page
    catalog = CatalogPage(title="课程中心", slug="courses")
    home.add_child(instance=catalog)
    course_workflow_ensure(catalog=catalog)
    return catalog


def course_workflow_ensure(*, catalog: CatalogPage) -> Workflow:
    """Every page under the catalog is published through the bureau's approval."""
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
        task = BureauApprovalTask.objects.create(name="主管教育局审核并备案学时", active=True)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=catalog, defaults={"workflow": workflow})
    return workflow


def editor_group_name(institution: Organisation) -> str:
    return f"课程编辑·{institution.code}"


@transaction.atomic
def provider_folder_ensure(*, institution: Organisation) -> ProviderIndexPage:
    """An institution's course folder, editor group, page permissions and media collection."""
    if institution.kind != OrganisationKind.INSTITUTION:
        raise ValidationError(_("Only a training institution has a course folder."))
    folder = ProviderIndexPage.objects.filter(institution=institution).first()
    if folder is None:
        catalog = catalog_ensure()
        folder = ProviderIndexPage(
            title=institution.name, slug=slugify(institution.code) or f"org-{institution.pk}", institution=institution
        )
        catalog.add_child(instance=folder)
    group, _created = Group.objects.get_or_create(name=editor_group_name(institution))
    for codename in EDITOR_PAGE_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=group, page=folder, permission=permission)
    _bureau_groups_grant(folder=folder, institution=institution)
    collection = _institution_collection(institution)
    for app_label, codename in EDITOR_MEDIA_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        GroupCollectionPermission.objects.get_or_create(group=group, collection=collection, permission=permission)
    return folder


def bureau_group_name(bureau: Organisation) -> str:
    return f"课程审核·{bureau.code}"


def _bureau_groups_grant(*, folder: ProviderIndexPage, institution: Organisation) -> None:
    """The administrators of every level above an institution review (and so publish) its courses."""
    for bureau in institution.get_ancestors():
        group, _created = Group.objects.get_or_create(name=bureau_group_name(bureau))
        for codename in BUREAU_PAGE_PERMISSIONS:
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.get_or_create(group=group, page=folder, permission=permission)


def course_reviewer_sync(*, user: User) -> None:
    """A user belongs to exactly the review groups of the regions where they hold a county-or-above admin role."""
    grants = active_grants(user=user, roles=ORGANISATION_MANAGER_ROLES)
    wanted = {bureau_group_name(grant.organisation) for grant in grants}
    _groups_sync(user=user, prefix="课程审核·", wanted=wanted)


def _groups_sync(*, user: User, prefix: str, wanted: set[str]) -> None:
    current = set(user.groups.filter(name__startswith=prefix).values_list("name", flat=True))
    for name in current - wanted:
        user.groups.remove(Group.objects.get(name=name))
    for name in wanted - current:
        user.groups.add(Group.objects.get_or_create(name=name)[0])


def _institution_collection(institution: Organisation) -> Collection:
    name = f"{institution.name}（{institution.code}）"
    root = Collection.get_first_root_node()
    found = root.get_children().filter(name=name).first()
    return found if found is not None else root.add_child(name=name)


def institution_editor_sync(*, user: User) -> None:
    """A user belongs to exactly the editor groups of the institutions where they hold an editor grant."""
    institutions = [
        grant.organisation for grant in active_grants(user=user, roles=[Role.INSTITUTION_EDITOR])
    ]
    wanted = set()
    for institution in institutions:
        provider_folder_ensure(institution=institution)
        wanted.add(editor_group_name(institution))
    _groups_sync(user=user, prefix="课程编辑·", wanted=wanted)


@dataclass
class LessonSpec:
    title: str
    body: list[dict[str, Any]] = field(default_factory=list)  # StreamField raw data: [{"type": ..., "value": ...}]
    required: bool = True


@dataclass
class ModuleSpec:
    title: str
    lessons: list[LessonSpec] = field(default_factory=list)


@transaction.atomic
def course_create(
    *,
    folder: ProviderIndexPage,
    title: str,
    code: str,
    summary: str,
    delivery_mode: str,
    modules: list[ModuleSpec],
    publish: bool = False,
    user: User | None = None,
    **fields: Any,
) -> CoursePage:
    """Build a course with its modules and lessons (demo data, tests, benchmarks)."""
    course = CoursePage(
        title=title, slug=slugify(code) or code.lower(), code=code, summary=summary,
        delivery_mode=delivery_mode, provider_id=folder.institution_id, live=False, **fields,
    )
    folder.add_child(instance=course)
    for m, module_spec in enumerate(modules, start=1):
        module = ModulePage(title=module_spec.title, slug=f"m{m}", live=False)
        course.add_child(instance=module)
        for n, lesson_spec in enumerate(module_spec.lessons, start=1):
            lesson = LessonPage(
                title=lesson_spec.title, slug=f"l{n}", body=lesson_spec.body, required=lesson_spec.required, live=False
            )
            module.add_child(instance=lesson)
            _save(lesson, publish=publish, user=user)
        _save(module, publish=publish, user=user)
    _save(course, publish=publish, user=user)
    return course


def _save(page: Page, *, publish: bool, user: User | None) -> None:
    revision = page.save_revision(user=user, log_action=False)
    if publish:
        revision.publish(user=user, log_action=False, skip_permission_checks=True)


@transaction.atomic
def course_hours_file(
    *,
    course: CoursePage,
    user: User | None,
    online: Decimal | None = None,
    centralised: Decimal | None = None,
    school_based: Decimal | None = None,
    comment: str = "",
) -> CourseHours:
    """Set the hours a course awards (备案); blank kinds confirm the institution's proposal."""
    online = course.proposed_hours_online if online is None else online
    centralised = course.proposed_hours_centralised if centralised is None else centralised
    school_based = course.proposed_hours_school_based if school_based is None else school_based
    if min(online, centralised, school_based) < 0:
        raise ValidationError(_("Hours cannot be negative."))
    filed, _created = CourseHours.objects.update_or_create(
        course=course,
        defaults={
            "online": online, "centralised": centralised, "school_based": school_based,
            "total": online + centralised + school_based, "filed_by": user, "filed_at": timezone.now(),
            "comment": comment,
        },
    )
    log(
        instance=course, action="courses.hours_filed", user=user,
        data={"online": str(online), "centralised": str(centralised), "school_based": str(school_based)},
    )
    return filed


def _proposal_align(*, course: CoursePage, filed: CourseHours, user: User, reviewed: Page) -> None:
    """What goes live states the hours the bureau filed, so the page never shows more than counts."""
    latest = course.get_latest_revision_as_object()
    wanted = {
        "proposed_hours_online": filed.online,
        "proposed_hours_centralised": filed.centralised,
        "proposed_hours_school_based": filed.school_based,
    }
    if any(getattr(latest, name) != value for name, value in wanted.items()):
        for name, value in wanted.items():
            setattr(latest, name, value)
        revision = latest.save_revision(user=user, log_action=False, clean=False)
        if reviewed.pk == course.pk:
            # The workflow publishes the reviewed object's latest revision: make it this one.
            reviewed.latest_revision = revision


def _hours_value(value: object) -> Decimal | None:
    """The approval form's figures arrive as strings when Wagtail relays them from its modal."""
    if value is None or value == "":
        return None
    try:
        hours = Decimal(str(value))
    except ArithmeticError:
        raise ValidationError(_("Hours must be a number.")) from None
    if not hours.is_finite() or hours < 0 or hours > 999:
        raise ValidationError(_("Hours must be between 0 and 999."))
    return hours


def course_approval_act(*, task_state: TaskState, user: User, action: str, **form: Any) -> None:
    """The bureau approves (and files the hours of) or rejects a course submitted through the workflow."""
    from courses.selectors import user_can_approve_course_page

    page = task_state.workflow_state.content_object
    if not user_can_approve_course_page(user=user, page=page):
        raise PermissionDenied(_("Only the bureau that accredits this institution may approve its courses."))
    comment = form.get("comment", "") or ""
    with transaction.atomic():
        if action == "approve":
            course = page_course(page)
            if course is not None and (course.pk == page.pk or not CourseHours.objects.filter(course=course).exists()):
                # The hours are filed from the revision under review: what the bureau approved is what counts.
                revised = task_state.revision.as_object() if course.pk == page.pk and task_state.revision else course
                filed = course_hours_file(
                    course=revised, user=user,
                    online=_hours_value(form.get("hours_online")),
                    centralised=_hours_value(form.get("hours_centralised")),
                    school_based=_hours_value(form.get("hours_school_based")), comment=comment,
                )
                _proposal_align(course=course, filed=filed, user=user, reviewed=page)
            task_state.approve(user=user, comment=comment)
        elif action == "reject":
            task_state.reject(user=user, comment=comment)
