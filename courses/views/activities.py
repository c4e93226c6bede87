"""The H5P player's endpoints in a lesson: xAPI statements (CSRF-protected) and saved state."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from assessments.api import ActivityResult, h5p_actor_mbox_for, h5p_activity_paths, h5p_state_get, h5p_state_save
from courses.models import LessonPage
from courses.services.activities import (
    ActivityClaims,
    LessonActivity,
    activity_claims_read,
    activity_claims_sign,
    lesson_activity_statement,
)

MAX_STATEMENT_REQUEST_BYTES = 64 * 1024


def _json(body: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _number(value: Decimal | None) -> str | None:
    """A score as plain text without trailing zeros: 2, 1.5, 66.7."""
    return None if value is None else format(value.normalize(), "f")


def _result_json(result: ActivityResult | None) -> dict[str, Any] | None:
    if result is None:
        return None
    return {
        "attempts": result.attempts, "attempts_left": result.attempts_left, "completed": result.completed,
        "score": _number(result.score),
        "max_score": _number(result.max_score),
        "percent": _number(result.percent),
        "passed": result.passed, "scored_by": result.scored_by,
    }


def h5p_player_config(*, request: Any, lesson: LessonPage, access: LessonActivity) -> dict[str, Any]:
    """What the lesson page gives the player: our own routes, the teacher as actor, the signed claims its
    requests carry, and the saved state."""
    activity, teacher, block_id = access.activity, access.teacher, access.requirement.block_id
    token = activity_claims_sign(user_id=request.user.pk, access=access, lesson=lesson)
    state_url = reverse("courses:h5p_state", kwargs={"lesson_id": lesson.pk, "block_id": block_id})
    # The H5P core builds the content before its own state request returns: the saved state must be
    # preloaded in the page for the content to resume where the teacher left it.
    saved = h5p_state_get(activity_id=activity.pk, teacher_id=teacher.pk, data_type="state", sub_content_id="0")
    return {
        "contentUserData": [{"state": saved}] if saved else None,
        **h5p_activity_paths(activity=activity),
        "frameJs": static("h5p-standalone/frame.bundle.js"),
        "frameCss": static("h5p-standalone/styles/h5p.css"),
        "id": str(activity.pk),
        "statementUrl": reverse("courses:h5p_statement", kwargs={"lesson_id": lesson.pk, "block_id": block_id}),
        "token": token,
        # The player fills :dataType and :subContentId; the signed token stands in for the CSRF token
        # its own requests cannot carry.
        "contentUserDataUrl": f"{state_url}?type=:dataType&sub=:subContentId&token={token}",
        "saveSeconds": int(getattr(settings, "H5P_STATE_SAVE_SECONDS", 10)),
        "user": {"name": teacher.real_name, "mail": h5p_actor_mbox_for(teacher=teacher).removeprefix("mailto:")},
    }


def _claims(request: HttpRequest, token: str, lesson_id: int, block_id: str) -> ActivityClaims:
    user_id = request.user.pk if request.user.is_authenticated else None
    return activity_claims_read(token=token, user_id=user_id, lesson_id=lesson_id, block_id=block_id)


@require_POST
def h5p_statement_view(request: HttpRequest, lesson_id: int, block_id: str) -> HttpResponse:
    """CSRF-protected (the player script sends the token); the claims header says whose answer it is."""
    if not request.user.is_authenticated:
        return _json({"ok": False, "message": _("Log in to have your answers recorded.")}, 403)
    if len(request.body) > MAX_STATEMENT_REQUEST_BYTES:
        return _json({"ok": False, "message": _("The statement is too large.")}, 413)
    try:
        claims = _claims(request, request.headers.get("X-H5P-Token", ""), lesson_id, block_id)
        received = lesson_activity_statement(claims=claims, body=request.body)
    except PermissionDenied as refusal:
        return _json({"ok": False, "message": str(refusal)}, 403)
    except ValidationError as invalid:
        return _json({"ok": False, "message": " ".join(invalid.messages)}, 400)
    attempt = received.outcome.attempt
    return _json({
        "ok": True,
        "counted": attempt is not None,
        "attempt": None if attempt is None else {
            "number": attempt.number, "score": _number(attempt.score), "max_score": _number(attempt.max_score),
            "percent": _number(attempt.percent), "passed": attempt.passed, "scored_by": attempt.scored_by,
        },
        "result": _result_json(received.result),
        "message": received.outcome.message,
        "lesson_done": received.lesson_done,
    })


@csrf_exempt  # the H5P core's own requests carry no CSRF token: the signed claims bind user, lesson and block
@require_http_methods(["GET", "POST"])
def h5p_state_view(request: HttpRequest, lesson_id: int, block_id: str) -> HttpResponse:
    try:
        claims = _claims(request, request.GET.get("token", ""), lesson_id, block_id)
    except PermissionDenied as refusal:
        return _json({"success": False, "message": str(refusal)}, 403)
    data_type, sub = request.GET.get("type", "state"), request.GET.get("sub", "0")
    if request.method == "GET":
        data = h5p_state_get(activity_id=claims.activity_id, teacher_id=claims.teacher_id, data_type=data_type,
                             sub_content_id=sub)
        return _json({"success": True, "data": data if data is not None else False})
    try:
        h5p_state_save(activity_id=claims.activity_id, teacher_id=claims.teacher_id, data_type=data_type,
                       sub_content_id=sub, data=request.POST.get("data"))
    except ValidationError as invalid:
        return _json({"success": False, "message": " ".join(invalid.messages)}, 400)
    return _json({"success": True})
