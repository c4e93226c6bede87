"""School-based sessions (校本研修) for administrators: schedule, display the code, confirm, submit, review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.forms_sessions import ReviewForm, SchoolSessionForm
from courses.models import SchoolSession, SessionStatus
from courses.selectors.school_sessions import (
    EDITABLE_STATUSES,
    school_sessions_for_organiser,
    school_sessions_to_review,
    schools_organised_by,
    session_attendance,
    user_can_organise_session,
    user_can_organise_sessions,
    user_can_review_session,
    user_can_review_sessions,
)
from courses.services import (
    attendance_add_manually,
    attendance_confirm,
    school_session_cancel,
    school_session_review,
    school_session_schedule,
    school_session_submit,
    school_session_update,
)
from courses.services.school_sessions import MIN_HOURS, max_session_hours
from courses.signin import early_minutes, sign_in_is_open
from courses.views.sign_in_display import DisplaySubject, display_json, display_page
from lms.api import access_log_record, teacher_search, teachers_visible_to

PAGE_SIZE = 30
SEARCH_LIMIT = 20


def _require_organiser(request: HttpRequest) -> None:
    if not user_can_organise_sessions(user=request.user):
        raise PermissionDenied(_("Only school administrators and the administrators above them organise sessions."))


def _session(request: HttpRequest, session_id: int, *, reviewer_may_see: bool = False) -> SchoolSession:
    session = SchoolSession.objects.select_related("school", "organiser", "reviewed_by").filter(pk=session_id).first()
    if session is None:
        raise Http404(_("No such session."))
    allowed = user_can_organise_session(user=request.user, session=session) or (
        reviewer_may_see and user_can_review_session(user=request.user, session=session)
    )
    if not allowed:
        raise PermissionDenied(_("This session belongs to a school outside your jurisdiction."))
    return session


def _refusal_text(error: ValidationError | PermissionDenied) -> str:
    return " ".join(getattr(error, "messages", None) or [str(error)])


@login_required
def school_sessions(request: HttpRequest) -> HttpResponse:
    _require_organiser(request)
    status = request.GET.get("status", "")
    status = status if status in SessionStatus.values else ""
    sessions = school_sessions_for_organiser(user=request.user, status=status)
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "statuses": SessionStatus.choices,
        "filters": {"status": status} if status else {},
        "can_review": user_can_review_sessions(user=request.user),
    }
    return render(request, "courses/sessions/manage_list.html", context)


def _form_errors(form: SchoolSessionForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _form_context(form: SchoolSessionForm, session: SchoolSession | None) -> dict[str, object]:
    return {"form": form, "session": session, "early_minutes": early_minutes(),
            "min_hours": MIN_HOURS, "max_hours": max_session_hours()}


@login_required
def school_session_new(request: HttpRequest) -> HttpResponse:
    _require_organiser(request)
    form = SchoolSessionForm(request.POST or None, schools=schools_organised_by(user=request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = school_session_schedule(
                actor=request.user, school=data["school"], topic=data["topic"], description=data["description"],
                starts_at=data["starts_at"], ends_at=data["ends_at"], place=data["place"], hours=data["hours"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The session “%(topic)s” is scheduled.") % {"topic": session.topic})
            return redirect("courses:school_session_detail", session_id=session.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "courses/sessions/manage_form.html", _form_context(form, None), status=status)


@login_required
def school_session_edit(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    if session.status not in EDITABLE_STATUSES:
        messages.error(request, _("Only a scheduled or returned session can be changed."))
        return redirect("courses:school_session_detail", session_id=session.pk)
    form = SchoolSessionForm.for_session(session, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            school_session_update(
                actor=request.user, session=session, topic=data["topic"], description=data["description"],
                starts_at=data["starts_at"], ends_at=data["ends_at"], place=data["place"], hours=data["hours"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The session is updated."))
            return redirect("courses:school_session_detail", session_id=session.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "courses/sessions/manage_form.html", _form_context(form, session), status=status)


def _teacher_matches(request: HttpRequest, session: SchoolSession, query: str) -> list:
    if not query:
        return []
    found = list(
        teacher_search(user=request.user, query=query).filter(school_id=session.school_id)
        .defer("id_number_encrypted").order_by("real_name", "pk")[:SEARCH_LIMIT]
    )
    access_log_record(actor=request.user, action="list", subject=_("School-based session: teacher search"),
                      object_count=len(found), request=request)
    return found


@login_required
def school_session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id, reviewer_may_see=True)
    organiser = user_can_organise_session(user=request.user, session=session)
    query = request.GET.get("q", "").strip()[:50]
    attendance = list(session_attendance(session=session))
    context = {
        "session": session,
        "attendance": attendance,
        "confirmed_count": sum(1 for row in attendance if row.confirmed),
        "records": session.records.select_related("teacher").order_by("created_at"),
        "can_edit": organiser and session.status in EDITABLE_STATUSES,
        "can_review": session.status == SessionStatus.SUBMITTED
        and user_can_review_session(user=request.user, session=session),
        "is_organiser": organiser,
        "sign_in_open": sign_in_is_open(starts_at=session.starts_at, ends_at=session.ends_at)
        and session.status == SessionStatus.SCHEDULED,
        "query": query,
        "matches": _teacher_matches(request, session, query) if organiser else [],
        "review_form": ReviewForm(),
    }
    return render(request, "courses/sessions/manage_detail.html", context)


def _back(session: SchoolSession) -> HttpResponse:
    return redirect("courses:school_session_detail", session_id=session.pk)


@login_required
@require_POST
def school_session_attendance(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    shown = {int(value) for value in request.POST.getlist("shown") if value.isdigit()}
    checked = {int(value) for value in request.POST.getlist("confirmed") if value.isdigit()} & shown
    try:
        confirmed = attendance_confirm(actor=request.user, session=session, teacher_ids=checked, confirmed=True)
        withdrawn = attendance_confirm(actor=request.user, session=session, teacher_ids=shown - checked,
                                       confirmed=False)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _refusal_text(error))
    else:
        messages.success(request, _("Attendance saved: %(confirmed)s confirmed, %(withdrawn)s unconfirmed.")
                         % {"confirmed": confirmed, "withdrawn": withdrawn})
    return _back(session)


@login_required
@require_POST
def school_session_attendance_add(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    raw = request.POST.get("teacher_id", "")
    teacher = None
    if raw.isdigit():
        teacher = teachers_visible_to(request.user).filter(pk=int(raw), school_id=session.school_id).first()
    if teacher is None:
        messages.error(request, _("Choose a teacher of %(school)s.") % {"school": session.school.name})
        return _back(session)
    try:
        attendance_add_manually(actor=request.user, session=session, teacher=teacher)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _refusal_text(error))
    else:
        messages.success(request, _("%(name)s is recorded as present.") % {"name": teacher.real_name})
    return _back(session)


@login_required
@require_POST
def school_session_submit_view(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    try:
        school_session_submit(actor=request.user, session=session)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _refusal_text(error))
    else:
        messages.success(request, _("The session is submitted to the county for approval."))
    return _back(session)


@login_required
@require_POST
def school_session_cancel_view(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    try:
        school_session_cancel(actor=request.user, session=session)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _refusal_text(error))
    else:
        messages.success(request, _("The session is cancelled."))
    return _back(session)


# The projector page.


def _display_subject(request: HttpRequest, session: SchoolSession) -> DisplaySubject:
    sign_in_url = request.build_absolute_uri(reverse("courses:sign_in"))
    return DisplaySubject(
        title=session.topic,
        subtitle=session.school.name,
        place=session.place,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        secret=session.sign_in_secret,
        token_kind="session",
        token_ref=str(session.pk),
        signed_in=session.attendance.count(),
        code_url=reverse("courses:school_session_code", args=[session.pk]),
        back_url=reverse("courses:school_session_detail", args=[session.pk]),
        instructions=_("Scan the QR code, or open %(url)s and enter the code.") % {"url": sign_in_url},
        accepting=session.status == SessionStatus.SCHEDULED,
    )


@login_required
def school_session_display(request: HttpRequest, session_id: int) -> HttpResponse:
    return display_page(request, _display_subject(request, _session(request, session_id)))


@login_required
def school_session_code(request: HttpRequest, session_id: int) -> HttpResponse:
    try:
        session = _session(request, session_id)
    except (PermissionDenied, Http404):
        return JsonResponse({"error": _("Only the session's organisers see its code.")}, status=403)
    return display_json(request, _display_subject(request, session))


# The county's approval queue.


@login_required
def school_session_review_queue(request: HttpRequest) -> HttpResponse:
    if not user_can_review_sessions(user=request.user):
        raise PermissionDenied(_("Only county administrators and above approve school-based sessions."))
    page = Paginator(school_sessions_to_review(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "courses/sessions/review_queue.html", {"page": page, "filters": {}})


@login_required
@require_POST
def school_session_review_view(request: HttpRequest, session_id: int) -> HttpResponse:
    session = SchoolSession.objects.select_related("school").filter(pk=session_id).first()
    if session is None:
        raise Http404(_("No such session."))
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or to return the session."))
        return _back(session)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        school_session_review(actor=request.user, session=session, approve=approve,
                              comment=form.cleaned_data["comment"])
    except PermissionDenied:
        raise
    except ValidationError as error:
        messages.error(request, _refusal_text(error))
        return _back(session)
    if approve:
        messages.success(request, _("“%(topic)s” is approved; the confirmed attendees' hours are recorded.")
                         % {"topic": session.topic})
    else:
        messages.success(request, _("“%(topic)s” is returned to the school.") % {"topic": session.topic})
    return redirect("courses:school_session_review_queue")
