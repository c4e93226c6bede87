"""One JSON error shape for every refusal of the HR API: {"error": {"code", "message", "detail"}}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _, gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response

from .authentication import TooManyFailedKeys


class NotInJurisdiction(exceptions.PermissionDenied):
    """An id or number outside the key's jurisdiction, or unknown: one answer, so existence does not leak."""

    default_detail = gettext_lazy("No such record in this key's jurisdiction.")
    default_code = "not_in_jurisdiction"


class InvalidParameter(exceptions.ValidationError):
    """A malformed query parameter; detail names it: {"id_number": ["…"]}."""

    default_code = "invalid_parameter"

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__({parameter: [message]}, code="invalid_parameter")

    @classmethod
    def many(cls, messages: dict[str, str]) -> InvalidParameter:
        """One refusal naming several parameters."""
        names = list(messages)
        error = cls(names[0], messages[names[0]])
        error.detail = {name: [message] for name, message in messages.items()}
        return error


def _messages(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {str(key): _messages(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_messages(item) for item in detail]
    return str(detail)


def error_body(*, code: str, message: str, detail: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "detail": detail or {}}}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's exception handler for the HR API; anything else (a bug) is left to Django's 500."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None
    headers: dict[str, str] = {}
    auth_header = getattr(exc, "auth_header", None)
    if auth_header:
        headers["WWW-Authenticate"] = auth_header
    detail: dict[str, Any] = {}
    if isinstance(exc, exceptions.Throttled):
        wait = max(1, int(exc.wait or 1))
        headers["Retry-After"] = str(wait)
        detail = {"retry_after": wait}
        if isinstance(exc, TooManyFailedKeys):
            code = "too_many_failed_keys"
            message = _("Too many failed keys from your address; try again in %(seconds)s seconds.") % {"seconds": wait}
        else:
            code = "throttled"
            message = _("Too many requests for this key; try again in %(seconds)s seconds.") % {"seconds": wait}
    elif isinstance(exc.detail, dict):
        detail = _messages(exc.detail)
        code = "invalid_parameter"
        message = _("A parameter is not valid: %(names)s.") % {"names": ", ".join(detail)}
    elif isinstance(exc.detail, list):
        code, message, detail = "invalid_parameter", "; ".join(_messages(exc.detail)), {}
    else:
        code = str(getattr(exc.detail, "code", "") or exc.default_code)
        message = str(exc.detail)
    return Response(error_body(code=code, message=message, detail=detail), status=exc.status_code, headers=headers)


ERROR_STATUSES = {
    status.HTTP_400_BAD_REQUEST: gettext_lazy("A parameter is not valid."),
    status.HTTP_401_UNAUTHORIZED: gettext_lazy("No key, an unknown or malformed key, or a revoked key."),
    status.HTTP_403_FORBIDDEN: gettext_lazy("The key lacks the scope, or the record is not in its jurisdiction."),
    status.HTTP_404_NOT_FOUND: gettext_lazy("No such endpoint."),
    status.HTTP_429_TOO_MANY_REQUESTS: gettext_lazy("Over the key's rate limit; see Retry-After."),
}
