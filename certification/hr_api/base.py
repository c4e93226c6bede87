"""The base of every HR-API view: key authentication, scopes, the per-key rate, JSON errors, one log row."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import ApiClient
from . import schema  # noqa: F401  (registers the key scheme with drf-spectacular)
from .audit import AuditNote, api_call_record, audit_note_for
from .authentication import ApiKeyAuthentication
from .errors import ERROR_STATUSES, NotInJurisdiction, api_exception_handler
from .permissions import ApiKeyRequired, ScopeRequired
from .serializers import Client, Error
from .throttles import ClientRateThrottle
from .presenters import client_row


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    return {code: OpenApiResponse(Error, description=str(ERROR_STATUSES[code])) for code in statuses}


COMMON_ERRORS = (400, 401, 403, 429)


class HrApiView(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [ApiKeyRequired, ScopeRequired]
    throttle_classes = [ClientRateThrottle]
    required_scope: str | None = None
    audit: AuditNote

    def get_exception_handler(self) -> Any:
        return api_exception_handler

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        self.audit = AuditNote()
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        api_call_record(request=request._request, status_code=response.status_code, note=audit_note_for(self))
        response["Cache-Control"] = "no-store"
        return response

    @property
    def client(self) -> ApiClient:
        return self.request.auth

    def refuse(self, subject: str) -> NotInJurisdiction:
        """The one answer for "outside the jurisdiction" and "unknown"; the log still says what was asked."""
        self.audit.subject = subject
        return NotInJurisdiction()


class MeView(HrApiView):
    @extend_schema(
        operation_id="me", tags=["client"], summary="This key's client: jurisdiction, scopes, rate",
        responses={200: Client, **error_responses(401, 429)},
    )
    def get(self, request: Request) -> Response:
        self.audit.subject = self.client.name
        self.audit.object_count = 0
        return Response(Client(client_row(self.client)).data)


@extend_schema(exclude=True)
class NotFoundView(HrApiView):
    """Any other path under /api/: the JSON 404 (after the key is checked, and logged like every call)."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        raise NotFound(_("No such endpoint."))
