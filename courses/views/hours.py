"""Hours ledger pages for administrators (record, reverse) and personnel officers (read only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.forms import HoursRecogniseForm, HoursReverseForm
from courses.models import HoursEntry
from courses.selectors import hours_ledger, hours_totals
from courses.services import hours_recognise_by_admin, hours_reverse_by_admin, user_can_record_hours
from lms.api import access_log_record, teacher_search, teachers_visible_to, user_can_view_teachers

SEARCH_LIMIT = 50


def _require_viewer(request: HttpRequest) -> None:
    if not user_can_view_teachers(user=request.user):
        raise PermissionDenied(_("You have no administrator or personnel role that covers teacher records."))


def _visible_teacher(request: HttpRequest, teacher_id: int):
    teacher = teachers_visible_to(request.user).select_related("school").filter(pk=teacher_id).first()
    if teacher is None:
        raise Http404(_("No such teacher in your jurisdiction."))
    return teacher


def _search(request: HttpRequest, query: str):
    if query.isdigit() and len(query) < 18:  # a teacher id; an ID number or certificate number is longer
        return teachers_visible_to(request.user).filter(pk=int(query))
    return teacher_search(user=request.user, query=query)


@login_required
def hours_manage(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    query = request.GET.get("q", "").strip()
    teachers = []
    if query:
        teachers = list(_search(request, query).select_related("school").defer("id_number_encrypted")
                        .order_by("id")[:SEARCH_LIMIT])
        access_log_record(
            actor=request.user, action="list", subject=_("Hours: teacher search"),
            object_count=len(teachers), request=request,
        )
        if len(teachers) == 1:
            return redirect("courses:hours_teacher", teacher_id=teachers[0].pk)
    return render(
        request,
        "courses/hours_manage.html",
        {"query": query, "teachers": teachers, "can_record": user_can_record_hours(user=request.user)},
    )


def _teacher_page(request: HttpRequest, teacher, *, form=None, status: int = 200) -> HttpResponse:
    can_record = user_can_record_hours(user=request.user)
    context = {
        "teacher": teacher,
        "entries": hours_ledger(teacher_id=teacher.pk),
        "totals": hours_totals(teacher_id=teacher.pk),
        "can_record": can_record,
        "form": form or (HoursRecogniseForm() if can_record else None),
        "reverse_form": HoursReverseForm(),
    }
    return render(request, "courses/hours_teacher.html", context, status=status)


@login_required
def hours_teacher(request: HttpRequest, teacher_id: int) -> HttpResponse:
    _require_viewer(request)
    teacher = _visible_teacher(request, teacher_id)
    access_log_record(actor=request.user, action="view", teacher=teacher, request=request)
    return _teacher_page(request, teacher)


@login_required
@require_POST
def hours_record(request: HttpRequest, teacher_id: int) -> HttpResponse:
    if not user_can_record_hours(user=request.user):
        raise PermissionDenied(_("Only administrators may record or reverse hours."))
    teacher = _visible_teacher(request, teacher_id)
    form = HoursRecogniseForm(request.POST)
    if not form.is_valid():
        return _teacher_page(request, teacher, form=form, status=400)
    data = form.cleaned_data
    try:
        hours_recognise_by_admin(
            actor=request.user, teacher_id=teacher.pk, hours=data["hours"], kind=data["kind"],
            year=data["year"], note=data["note"], request_key=data["request_key"],
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]:
            form.add_error(field if field in form.fields else None, errors)
        return _teacher_page(request, teacher, form=form, status=400)
    messages.success(request, _("Hours recorded."))
    return redirect("courses:hours_teacher", teacher_id=teacher.pk)


@login_required
@require_POST
def hours_entry_reverse(request: HttpRequest, entry_id: int) -> HttpResponse:
    if not user_can_record_hours(user=request.user):
        raise PermissionDenied(_("Only administrators may record or reverse hours."))
    entry = HoursEntry.objects.filter(pk=entry_id, teacher__in=teachers_visible_to(request.user)).first()
    if entry is None:
        raise Http404(_("No such entry in your jurisdiction."))
    form = HoursReverseForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the entry is reversed."))
        hours_reverse_by_admin(actor=request.user, entry=entry, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        teacher = _visible_teacher(request, entry.teacher_id)
        return _teacher_page(request, teacher, status=400)
    messages.success(request, _("Entry reversed."))
    return redirect("courses:hours_teacher", teacher_id=entry.teacher_id)
