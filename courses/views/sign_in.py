"""Teachers sign in (code or QR), see their school-based sessions and add records; offline-block sign-in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.forms_sessions import SessionRecordForm, SignInForm
from courses.models import LessonPage, SchoolSession, SessionAttendance, SessionStatus
from courses.selectors.school_sessions import (
    OfflineBlock,
    attendance_of,
    offline_attendance_count,
    offline_block_find,
    school_sessions_for_teacher,
    school_sessions_open_for_sign_in,
    user_can_organise_offline_block,
)
from courses.services import offline_block_sign_in, session_record_add, session_sign_in
from courses.signin import SignInTokenError, offline_block_secret, token_read
from courses.views.sign_in_display import DisplaySubject, display_json, display_page
from lms.api import teacher_for_user


def _refusal_text(error: ValidationError | PermissionDenied) -> str:
    return " ".join(getattr(error, "messages", None) or [str(error)])


def _signed_in_message(request: HttpRequest, attendance: SessionAttendance, now) -> None:
    topic = attendance.session.topic
    if attendance.signed_in_at == now:
        messages.success(request, _("Signed in to “%(topic)s”.") % {"topic": topic})
    else:
        messages.info(request, _("You had already signed in to “%(topic)s” at %(time)s.")
                      % {"topic": topic, "time": timezone.localtime(attendance.signed_in_at).strftime("%H:%M")})


def _sign_in_page(request: HttpRequest, form: SignInForm, *, status: int = 200, error: str = "") -> HttpResponse:
    teacher = teacher_for_user(user=request.user)
    open_sessions = (
        school_sessions_open_for_sign_in(school_id=teacher.school_id) if teacher is not None else SchoolSession.objects.none()
    )
    context = {"form": form, "teacher": teacher, "open_sessions": open_sessions, "error": error}
    return render(request, "courses/sessions/sign_in.html", context, status=status if teacher else 403)


@login_required
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request.POST or None)
    if request.method != "POST":
        return _sign_in_page(request, form)
    if form.is_valid():
        now = timezone.now()
        try:
            attendance = session_sign_in(user=request.user, code=form.cleaned_data["code"], now=now)
        except ValidationError as error:
            form.add_error("code", error.messages)
        else:
            _signed_in_message(request, attendance, now)
            return redirect("courses:my_school_session", session_id=attendance.session_id)
    return _sign_in_page(request, form, status=400)


@login_required
def sign_in_qr(request: HttpRequest, token: str) -> HttpResponse:
    """Where the QR on the organiser's screen leads; a teacher who scans it while logged in is signed in."""
    now = timezone.now()
    try:
        parsed = token_read(token, now=now)
    except SignInTokenError:
        parsed = None  # the service below refuses it with its message
    if parsed is not None and parsed.kind == "offline":
        return _offline_qr(request, token, parsed.ref, now)
    try:
        attendance = session_sign_in(user=request.user, token=token, now=now)
    except ValidationError as error:
        return _sign_in_page(request, SignInForm(), status=400, error=_refusal_text(error))
    _signed_in_message(request, attendance, now)
    return redirect("courses:my_school_session", session_id=attendance.session_id)


def _offline_qr(request: HttpRequest, token: str, ref: str, now) -> HttpResponse:
    lesson_id, _sep, block_id = ref.partition(":")
    lesson = LessonPage.objects.live().filter(pk=int(lesson_id)).first() if lesson_id.isdigit() else None
    if lesson is None:
        raise Http404(_("There is no such offline session."))
    return _offline_sign_in(request, lesson, block_id, token=token, now=now)


# "My school-based sessions".


def _teacher_or_404(request: HttpRequest):
    teacher = teacher_for_user(user=request.user)
    if teacher is None:
        raise Http404(_("Your account has no teacher record."))
    return teacher


@login_required
def my_school_sessions(request: HttpRequest) -> HttpResponse:
    teacher = _teacher_or_404(request)
    sessions = list(school_sessions_for_teacher(teacher=teacher)[:200])
    mine = {row.session_id: row for row in SessionAttendance.objects.filter(teacher=teacher, session__in=sessions)}
    rows = [{"session": session, "attendance": mine.get(session.pk)} for session in sessions]
    return render(request, "courses/sessions/my_sessions.html", {"rows": rows, "teacher": teacher})


@login_required
def my_school_session(request: HttpRequest, session_id: int) -> HttpResponse:
    teacher = _teacher_or_404(request)
    session = school_sessions_for_teacher(teacher=teacher).filter(pk=session_id).first()
    if session is None:
        raise Http404(_("No such session at your school."))
    attendance = attendance_of(session=session, teacher=teacher)
    form = SessionRecordForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                session_record_add(user=request.user, session=session, kind=data["kind"],
                                   observed_lesson=data["observed_lesson"], text=data["text"])
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, _refusal_text(error))
            else:
                messages.success(request, _("Your record is saved."))
                return redirect("courses:my_school_session", session_id=session.pk)
        status = 400
    context = {
        "session": session,
        "attendance": attendance,
        "records": session.records.select_related("teacher").order_by("created_at") if attendance else [],
        "form": form if attendance and session.status != SessionStatus.CANCELLED else None,
    }
    return render(request, "courses/sessions/my_session.html", context, status=status)


# Offline-session blocks of course lessons.


def _lesson_block(lesson_id: int, block_id: str) -> OfflineBlock:
    lesson = LessonPage.objects.live().filter(pk=lesson_id).first()
    block = offline_block_find(lesson=lesson, block_id=block_id) if lesson is not None else None
    if block is None:
        raise Http404(_("There is no such offline session."))
    return block


def _back_to_lesson(request: HttpRequest, lesson: LessonPage) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect(lesson.url or "/")


def _offline_sign_in(request: HttpRequest, lesson: LessonPage, block_id: str, *, now, code: str = "",
                     token: str = "") -> HttpResponse:
    try:
        row = offline_block_sign_in(user=request.user, lesson=lesson, block_id=block_id, code=code or None,
                                    token=token or None, now=now)
    except ValidationError as error:
        messages.error(request, _refusal_text(error))
    else:
        if row.signed_in_at == now:
            messages.success(request, _("Signed in to the offline session."))
        else:
            messages.info(request, _("You had already signed in to this offline session at %(time)s.")
                          % {"time": timezone.localtime(row.signed_in_at).strftime("%H:%M")})
    return _back_to_lesson(request, lesson)


@login_required
@require_POST
def offline_sign_in(request: HttpRequest, lesson_id: int, block_id: str) -> HttpResponse:
    block = _lesson_block(lesson_id, block_id)
    return _offline_sign_in(request, block.lesson, block_id, now=timezone.now(), code=request.POST.get("code", ""))


def _offline_subject(request: HttpRequest, block: OfflineBlock) -> DisplaySubject:
    if not user_can_organise_offline_block(user=request.user, lesson=block.lesson):
        raise PermissionDenied(_("Only the course's tutors and administrators show its sign-in code."))
    lesson_url = request.build_absolute_uri(block.lesson.url) if block.lesson.url else ""
    return DisplaySubject(
        title=block.title,
        subtitle=block.lesson.title,
        place=block.place,
        starts_at=block.starts_at,
        ends_at=block.ends_at,
        secret=offline_block_secret(lesson_id=block.lesson.pk, block_id=block.block_id),
        token_kind="offline",
        token_ref=f"{block.lesson.pk}:{block.block_id}",
        signed_in=offline_attendance_count(lesson=block.lesson, block_id=block.block_id),
        code_url=reverse("courses:offline_code", args=[block.lesson.pk, block.block_id]),
        back_url=block.lesson.url or "/",
        instructions=_("Scan the QR code, or enter the code in the lesson %(url)s.") % {"url": lesson_url},
    )


@login_required
def offline_display(request: HttpRequest, lesson_id: int, block_id: str) -> HttpResponse:
    return display_page(request, _offline_subject(request, _lesson_block(lesson_id, block_id)))


@login_required
def offline_code(request: HttpRequest, lesson_id: int, block_id: str) -> HttpResponse:
    try:
        subject = _offline_subject(request, _lesson_block(lesson_id, block_id))
    except PermissionDenied as error:
        return JsonResponse({"error": str(error)}, status=403)
    return display_json(request, subject)
