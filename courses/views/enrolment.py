"""Enrolment pages: a teacher enrols and withdraws; administrators run cohorts (培训班).

Cohort pages: administrators manage the cohorts of their jurisdiction, personnel officers read them,
tutors read the cohorts they tutor; anyone else gets the site's 403 page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.forms_enrolment import CohortForm, CohortSchoolForm, CohortTutorsForm
from courses.models import Cohort, CoursePage
from courses.selectors import enrolment_for
from courses.selectors.cohorts import (
    cohort_members,
    cohort_status_counts,
    cohort_teacher_search,
    cohorts_visible_to,
    course_lessons_total,
    enrolment_teacher_ids,
    user_can_create_cohorts,
    user_can_manage_cohort,
    user_can_view_cohorts,
)
from courses.services import (
    CohortEnrolResult,
    cohort_create,
    cohort_enrol_school,
    cohort_enrol_teachers,
    cohort_remove_teacher,
    cohort_tutors_set,
    enrolment_self,
    enrolment_withdraw,
)
from lms.api import access_log_record, teacher_for_user, user_is_read_only

MEMBERS_PER_PAGE = 50
COHORTS_PER_PAGE = 30
SEARCH_LIMIT = 50


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# ---- a teacher enrols and withdraws --------------------------------------------------------------


def _back_to(request: HttpRequest, course: CoursePage) -> str:
    """The page the form came from when it is ours (the catalog, the dashboard), else the course page."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return course.get_url(request=request) or "/"


@login_required
@require_POST
def enrol(request: HttpRequest, course_id: int) -> HttpResponse:
    course = get_object_or_404(CoursePage, pk=course_id)
    try:
        enrolment_self(user=request.user, course=course)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("You are enrolled in “%(course)s”.") % {"course": course.title})
    return redirect(_back_to(request, course))


@login_required
def withdraw(request: HttpRequest, course_id: int) -> HttpResponse:
    """GET (or a POST without "confirm") asks first; a confirmed POST withdraws."""
    course = get_object_or_404(CoursePage, pk=course_id)
    if request.method == "POST" and request.POST.get("confirm"):
        try:
            enrolment_withdraw(user=request.user, course=course)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("You have withdrawn from “%(course)s”.") % {"course": course.title})
        return redirect(_back_to(request, course))
    teacher = teacher_for_user(user=request.user)
    enrolment = enrolment_for(teacher=teacher, course=course) if teacher is not None else None
    context = {"course": course, "enrolment": enrolment, "course_url": course.get_url(request=request) or "/"}
    return render(request, "courses/enrolment/withdraw_confirm.html", context)


# ---- cohorts ----------------------------------------------------------------------------------------


def _require_viewer(request: HttpRequest) -> None:
    if not user_can_view_cohorts(user=request.user):
        raise PermissionDenied(_("Only administrators, personnel officers and tutors can see cohorts."))


def _require_creator(request: HttpRequest) -> None:
    if not user_can_create_cohorts(user=request.user) or user_is_read_only(user=request.user):
        raise PermissionDenied(_("Only administrators can run cohorts."))


def _visible_cohort(request: HttpRequest, cohort_id: int) -> Cohort:
    _require_viewer(request)
    cohort = get_object_or_404(Cohort.objects.select_related("course", "organisation"), pk=cohort_id)
    if not cohorts_visible_to(user=request.user).filter(pk=cohort.pk).exists():
        raise PermissionDenied(_("This cohort is run outside your jurisdiction."))
    return cohort


def _can_manage(request: HttpRequest, cohort: Cohort) -> bool:
    return not user_is_read_only(user=request.user) and user_can_manage_cohort(user=request.user, cohort=cohort)


@login_required
def cohorts(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    visible = cohorts_visible_to(user=request.user).order_by("-created_at", "-id")
    page = Paginator(visible, COHORTS_PER_PAGE).get_page(request.GET.get("page"))
    can_create = user_can_create_cohorts(user=request.user) and not user_is_read_only(user=request.user)
    return render(request, "courses/enrolment/cohorts.html", {"page": page, "can_create": can_create})


@login_required
def cohort_new(request: HttpRequest) -> HttpResponse:
    _require_creator(request)
    form = CohortForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cohort = cohort_create(
                actor=request.user, course=data["course"], organisation=data["organisation"], name=data["name"],
                starts_on=data["starts_on"], ends_on=data["ends_on"], tutors=data["tutors"],
            )
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, _("Cohort “%(name)s” created.") % {"name": cohort.name})
            return redirect("courses:cohort", cohort_id=cohort.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "courses/enrolment/cohort_form.html", {"form": form}, status=status)


def _search_results(request: HttpRequest, cohort: Cohort, query: str) -> list[dict[str, Any]]:
    found = list(
        cohort_teacher_search(user=request.user, cohort=cohort, query=query)
        .select_related("school").defer("id_number_encrypted").order_by("school__path", "real_name", "id")[:SEARCH_LIMIT]
    )
    access_log_record(
        actor=request.user, action="list", subject=_("Cohort: teacher search"), object_count=len(found), request=request
    )
    enrolled = enrolment_teacher_ids(cohort=cohort, teacher_ids=[t.pk for t in found])
    return [{"teacher": t, "enrolled": t.pk in enrolled} for t in found]


@login_required
def cohort_detail(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _visible_cohort(request, cohort_id)
    members = cohort_members(user=request.user, cohort=cohort)
    page = Paginator(members, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    access_log_record(
        actor=request.user, action="list", subject=_("Cohort members: %(name)s") % {"name": cohort.name},
        object_count=len(page.object_list), request=request,
    )
    can_manage = _can_manage(request, cohort)
    query = request.GET.get("q", "").strip() if can_manage else ""
    context = {
        "cohort": cohort,
        "page": page,
        "counts": cohort_status_counts(user=request.user, cohort=cohort),
        "lessons_total": course_lessons_total(course=cohort.course),
        "tutors": cohort.tutors.order_by("username"),
        "can_manage": can_manage,
        "query": query,
        "results": _search_results(request, cohort, query) if query else None,
        "school_form": CohortSchoolForm(actor=request.user, cohort=cohort) if can_manage else None,
        "tutors_form": CohortTutorsForm(
            actor=request.user, initial={"tutors": list(cohort.tutors.all())}
        ) if can_manage else None,
    }
    return render(request, "courses/enrolment/cohort_detail.html", context)


def _manageable_cohort(request: HttpRequest, cohort_id: int) -> Cohort:
    cohort = _visible_cohort(request, cohort_id)
    if not _can_manage(request, cohort):
        raise PermissionDenied(_("Only administrators of the node that runs this cohort can change it."))
    return cohort


def _report(request: HttpRequest, result: CohortEnrolResult) -> None:
    messages.success(
        request,
        _("%(added)d teachers enrolled (%(reactivated)d of them had withdrawn before).")
        % {"added": result.added, "reactivated": result.reactivated},
    )
    if result.already_enrolled:
        names = "、".join(result.already_names)
        more = "…" if result.already_enrolled > len(result.already_names) else ""
        messages.info(
            request,
            _("%(count)d teachers were already enrolled in the course and were left as they are: %(names)s")
            % {"count": result.already_enrolled, "names": names + more},
        )


def _to_detail(cohort: Cohort) -> HttpResponse:
    return redirect("courses:cohort", cohort_id=cohort.pk)


@login_required
@require_POST
def cohort_add_school(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _manageable_cohort(request, cohort_id)
    form = CohortSchoolForm(request.POST, actor=request.user, cohort=cohort)
    if not form.is_valid():
        messages.error(request, _("Choose a school under %(organisation)s in your jurisdiction.")
                       % {"organisation": cohort.organisation.name})
        return _to_detail(cohort)
    try:
        _report(request, cohort_enrol_school(actor=request.user, cohort=cohort, school=form.cleaned_data["school"]))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return _to_detail(cohort)


@login_required
@require_POST
def cohort_add_teachers(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _manageable_cohort(request, cohort_id)
    try:
        teacher_ids = [int(value) for value in request.POST.getlist("teacher")]
    except ValueError:
        teacher_ids = []
    try:
        _report(request, cohort_enrol_teachers(actor=request.user, cohort=cohort, teachers=teacher_ids))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return _to_detail(cohort)


@login_required
@require_POST
def cohort_remove(request: HttpRequest, cohort_id: int, enrolment_id: int) -> HttpResponse:
    cohort = _manageable_cohort(request, cohort_id)
    enrolment = get_object_or_404(cohort_members(user=request.user, cohort=cohort), pk=enrolment_id)
    try:
        cohort_remove_teacher(actor=request.user, cohort=cohort, enrolment=enrolment)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("%(name)s has left the cohort.") % {"name": enrolment.teacher.real_name})
    return _to_detail(cohort)


@login_required
@require_POST
def cohort_tutors(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _manageable_cohort(request, cohort_id)
    form = CohortTutorsForm(request.POST, actor=request.user)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return _to_detail(cohort)
    try:
        cohort_tutors_set(actor=request.user, cohort=cohort, tutors=form.cleaned_data["tutors"])
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Tutors saved."))
    return redirect(reverse("courses:cohort", args=[cohort.pk]) + "#tutors")


__all__ = [
    "cohort_add_school",
    "cohort_add_teachers",
    "cohort_detail",
    "cohort_new",
    "cohort_remove",
    "cohort_tutors",
    "cohorts",
    "enrol",
    "withdraw",
]
