"""Teacher records for administrators and personnel officers, always through the jurisdiction selector."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lms.idcard import mask_id_number
from lms.models import AccessAction, Teacher
from lms.selectors import teacher_search, teachers_visible_to, user_can_view_teachers
from lms.services import access_log_record, teacher_id_number_reveal

PAGE_SIZE = 50


def _require_viewer(request: HttpRequest) -> None:
    if not user_can_view_teachers(user=request.user):
        raise PermissionDenied(_("You have no administrator or personnel role that covers teacher records."))


def _scoped_search(request: HttpRequest):
    query = request.GET.get("q", "").strip()
    school_code = request.GET.get("school", "").strip()
    teachers = teacher_search(user=request.user, query=query)
    if school_code:
        teachers = teachers.filter(school__code=school_code)
    return query, school_code, teachers


def _query_label(query: str) -> str:
    """What the log records of a search: an ID number only in masked form."""
    return mask_id_number(query) if len(query) == 18 else query


@login_required
def teacher_list(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    query, school_code, teachers = _scoped_search(request)
    # The ciphertext is never shown in a list: leaving it out keeps the page sort in memory.
    teachers = teachers.select_related("school").defer("id_number_encrypted").order_by("id")
    page = Paginator(teachers, PAGE_SIZE).get_page(request.GET.get("page"))
    access_log_record(
        actor=request.user,
        action=AccessAction.LIST,
        subject=_("Teacher list: %(query)s") % {"query": _query_label(query) or "-"},
        object_count=len(page.object_list),
        request=request,
    )
    return render(
        request, "lms/teacher_list.html", {"page": page, "query": query, "school_code": school_code}
    )


@login_required
def teacher_detail(request: HttpRequest, teacher_id: int) -> HttpResponse:
    _require_viewer(request)
    teacher = _visible_teacher(request, teacher_id)
    access_log_record(actor=request.user, action=AccessAction.VIEW, teacher=teacher, request=request)
    return render(request, "lms/teacher_detail.html", _detail_context(teacher))


def _visible_teacher(request: HttpRequest, teacher_id: int) -> Teacher:
    teacher = teachers_visible_to(request.user).select_related("school").filter(pk=teacher_id).first()
    if teacher is None:
        raise Http404(_("No such teacher in your jurisdiction."))
    return teacher


def _detail_context(teacher: Teacher) -> dict[str, object]:
    postings = teacher.postings.select_related("school").order_by("started_on", "id")
    return {"teacher": teacher, "postings": postings}


@never_cache
@login_required
@require_POST
def teacher_reveal(request: HttpRequest, teacher_id: int) -> HttpResponse:
    _require_viewer(request)
    teacher = _visible_teacher(request, teacher_id)
    context = _detail_context(teacher)
    try:
        context["revealed_id_number"] = teacher_id_number_reveal(
            actor=request.user, teacher=teacher, reason=request.POST.get("reason", ""), request=request
        )
    except ValidationError as exc:
        context["reveal_error"] = " ".join(exc.messages)
        return render(request, "lms/teacher_detail.html", context, status=400)
    return render(request, "lms/teacher_detail.html", context)


EXPORT_HEADER = ("姓名", "身份证号（脱敏）", "性别", "出生日期", "学校代码", "学校", "学段", "学科", "职称", "任职状态")


def _export_rows(teachers) -> Iterator[list[str]]:
    yield list(EXPORT_HEADER)
    for teacher in teachers.iterator(chunk_size=2000):
        yield [
            teacher.real_name,
            teacher.id_number_masked,
            teacher.get_gender_display(),
            teacher.birth_date.isoformat(),
            teacher.school.code,
            teacher.school.name,
            teacher.get_stage_display(),
            teacher.get_subject_display(),
            teacher.get_title_display(),
            teacher.get_employment_status_display(),
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
def teacher_export(request: HttpRequest) -> HttpResponse:
    """CSV of the (filtered) list, masked ID numbers only; a reason is required and logged."""
    _require_viewer(request)
    reason = request.GET.get("reason", "").strip()
    query, _school, teachers = _scoped_search(request)
    if len(reason) < 4:
        return HttpResponse(_("Say why you export these records (at least 4 characters)."), status=400)
    teachers = teachers.select_related("school").defer("id_number_encrypted").order_by("id")
    access_log_record(
        actor=request.user,
        action=AccessAction.EXPORT,
        subject=_("Teacher export: %(query)s") % {"query": _query_label(query) or "-"},
        object_count=teachers.count(),
        reason=reason,
        request=request,
    )
    writer = csv.writer(_Echo())
    body = (writer.writerow(row) for row in _export_rows(teachers))
    response = StreamingHttpResponse(
        _with_bom(body), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="teachers-{stamp}.csv"'
    return response


def _with_bom(lines: Iterator[str]) -> Iterator[str]:
    yield "\ufeff"
    yield from lines
