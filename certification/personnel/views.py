"""Personnel look-up pages: search inside the jurisdiction, one teacher's record, revealing an ID number
with a reason. Every look is written to the access log (channel: page)."""

from __future__ import annotations

import copy
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from lms.api import AccessAction, AccessChannel, access_log_record, teacher_id_number_reveal

from ..access import user_can_read_certificates
from .forms import PersonnelSearchForm, RevealForm
from .record import TeacherRecord, teacher_record
from .search import NAME_ORDER, PersonnelSearch, SearchKind, personnel_search, search_rows

PAGE_SIZE = 50


def _read_check(request: HttpRequest) -> None:
    if not user_can_read_certificates(user=request.user):
        raise PermissionDenied(_("Only personnel officers and administrators look up teachers of a jurisdiction."))


def _request_for_log(request: HttpRequest, search: PersonnelSearch) -> HttpRequest:
    """The request as the access log records it: the query in the path only as its (masked) label."""
    if "q" not in request.GET:
        return request
    logged = copy.copy(request)
    params = {"q": search.label, **({"page": request.GET["page"]} if "page" in request.GET else {})}
    logged.META = {**request.META, "QUERY_STRING": urlencode(params)}
    return logged


def _log_search(request: HttpRequest, search: PersonnelSearch, count: int) -> None:
    targeted = search.kind != SearchKind.NAME  # an ID or certificate number looks up one person
    access_log_record(
        actor=request.user,  # type: ignore[arg-type]
        action=AccessAction.QUERY if targeted else AccessAction.LIST,
        subject=_("Personnel search (%(kind)s): %(query)s") % {"kind": SearchKind(search.kind).label, "query": search.label},
        object_count=count,
        request=_request_for_log(request, search),
        channel=AccessChannel.PAGE,
    )


@login_required
@require_http_methods(["GET", "POST"])
def personnel_search_page(request: HttpRequest) -> HttpResponse:
    """The form posts (an ID number stays out of URLs and browser history); result pages of a name
    search link by GET."""
    _read_check(request)
    data = request.POST if request.method == "POST" else request.GET
    form = PersonnelSearchForm(data={"q": data.get("q", "")})
    form.is_valid()
    search = personnel_search(user=request.user, query=form.cleaned_data.get("q", ""))
    # The box is filled again with what was typed, except an ID number (it would show unmasked).
    shown = PersonnelSearchForm(initial={"q": search.query if search.label == search.query else ""})
    context: dict[str, object] = {"form": shown, "search": search}
    if search.error:
        return render(request, "certification/personnel/search.html", context, status=400)
    if search.ran:
        teachers = search.teachers.select_related("school").defer("id_number_encrypted").order_by(*NAME_ORDER)
        page = Paginator(teachers, PAGE_SIZE).get_page(data.get("page"))
        rows = search_rows(teachers=list(page.object_list), today=timezone.localdate())
        _log_search(request, search, len(rows))
        paging = urlencode({"q": search.query}) if search.kind == SearchKind.NAME else ""
        context.update({"page": page, "rows": rows, "paging": paging})
    return render(request, "certification/personnel/search.html", context)


def _record_or_404(request: HttpRequest, teacher_id: int) -> TeacherRecord:
    _read_check(request)
    record = teacher_record(user=request.user, teacher_id=teacher_id)
    if record is None:
        raise Http404(_("No such teacher in your jurisdiction."))
    return record


def _record_page(request: HttpRequest, record: TeacherRecord, *, status: int = 200, **extra: object) -> HttpResponse:
    context: dict[str, object] = {"record": record, "teacher": record.teacher, "reveal_form": RevealForm(), **extra}
    return render(request, "certification/personnel/record.html", context, status=status)


@never_cache
@login_required
def personnel_record(request: HttpRequest, teacher_id: int) -> HttpResponse:
    record = _record_or_404(request, teacher_id)
    access_log_record(
        actor=request.user,  # type: ignore[arg-type]
        action=AccessAction.VIEW, teacher=record.teacher, subject=_("Personnel record: %(teacher)s") % {"teacher": record.teacher},
        request=request, channel=AccessChannel.PAGE,
    )
    return _record_page(request, record)


@never_cache
@login_required
@require_POST
def personnel_reveal(request: HttpRequest, teacher_id: int) -> HttpResponse:
    """The full ID number, shown once on this response; the service checks the reason and logs REVEAL."""
    record = _record_or_404(request, teacher_id)
    form = RevealForm(request.POST)
    error, revealed = "", ""
    if not form.is_valid():
        error = " ".join(str(message) for message in form.errors.get("reason", []))
    else:
        try:
            revealed = teacher_id_number_reveal(
                actor=request.user, teacher=record.teacher, reason=form.cleaned_data["reason"], request=request,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    if error:
        access_log_record(  # the page shows the record again: a view, not a reveal
            actor=request.user,  # type: ignore[arg-type]
            action=AccessAction.VIEW, teacher=record.teacher,
            subject=_("Personnel record: %(teacher)s") % {"teacher": record.teacher}, request=request,
            channel=AccessChannel.PAGE,
        )
        return _record_page(request, record, status=400, reveal_error=error, reveal_form=form)
    return _record_page(request, record, revealed_id_number=revealed, reveal_reason=form.cleaned_data["reason"])
