"""Public verification pages (no login), the published keys and issuer profiles, and the holder's badge download.

Nothing here logs personal data; look-ups are rate-limited per client address and never cached."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from lms.api import access_log_record

from ..access import certificates_visible_to
from ..models import CertificateStatus, IssuerKey
from .badges import issuer_profile, open_badge_jwt
from .keys import issuer_by_code, published_jwks
from .lookup import NAME_MAX_LENGTH, certificate_public_lookup
from .ratelimit import verify_lookup_allowed
from .signing import qr_payload_verify

OFFLINE_SCRIPT = Path(settings.BASE_DIR) / "scripts" / "verify_qr_offline.py"
View = Callable[..., HttpResponse]


def _public(view: View) -> View:
    """No caching anywhere, no search indexing, no referrer carrying a payload to other sites."""
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        response["X-Robots-Tag"] = "noindex"
        response["Referrer-Policy"] = "no-referrer"
        return response
    return wrapped


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "certification/verify/limited.html", {"per_minute": settings.VERIFY_RATE_PER_MINUTE}, status=429)


def _result(request: HttpRequest, *, number: str, holder_name: str, signature: bool | None = None) -> HttpResponse:
    found = certificate_public_lookup(number=number, holder_name=holder_name)
    # A number or name that doesn't match gives one answer, which echoes nothing that was typed.
    return render(request, "certification/verify/verify.html", {
        "looked_up": True, "found": found, "signature": signature, "name_max": NAME_MAX_LENGTH,
    })


@csrf_exempt  # a read-only look-up; anonymous visitors without cookies must be able to use it
@require_http_methods(["GET", "POST"])
@_public
def verify(request: HttpRequest) -> HttpResponse:
    """The form; POST looks up a number, optionally with the holder's name (POST keeps the name out of URLs)."""
    if request.method != "POST":
        return render(request, "certification/verify/verify.html", {"looked_up": False, "name_max": NAME_MAX_LENGTH})
    if not verify_lookup_allowed(request=request):
        return _too_many(request)
    return _result(request, number=request.POST.get("number", ""), holder_name=request.POST.get("name", ""))


@require_GET
@_public
def verify_number(request: HttpRequest, number: str) -> HttpResponse:
    """The QR's target: the number's status; with ?p= the signed payload is checked first."""
    if not verify_lookup_allowed(request=request):
        return _too_many(request)
    payload = request.GET.get("p")
    if payload is None:
        return _result(request, number=number, holder_name="")
    claims = qr_payload_verify(payload=payload)
    if claims is None or claims["n"] != number:
        return render(request, "certification/verify/verify.html", {"looked_up": True, "signature": False, "name_max": NAME_MAX_LENGTH})
    return _result(request, number=number, holder_name="", signature=True)


def _json(data: dict[str, Any], *, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Access-Control-Allow-Origin"] = "*"  # public keys: any verifier's web page may fetch them
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def keys_json(request: HttpRequest) -> JsonResponse:
    return _json(published_jwks())


@require_GET
def issuer_keys_json(request: HttpRequest, organisation_code: str) -> JsonResponse:
    if issuer_by_code(organisation_code=organisation_code) is None:
        return _json({"error": "unknown issuer"}, status=404)
    return _json(published_jwks(organisation_code=organisation_code))


@require_GET
def issuer_profile_json(request: HttpRequest, organisation_code: str) -> JsonResponse:
    issuer = issuer_by_code(organisation_code=organisation_code)
    if issuer is None:
        return _json({"error": "unknown issuer"}, status=404)
    return _json(issuer_profile(issuer=issuer))


@require_GET
def keys_page(request: HttpRequest) -> HttpResponse:
    keys = IssuerKey.objects.select_related("issuer__organisation").order_by("issuer__organisation__code", "created_at", "pk")
    return render(request, "certification/verify/keys.html", {"keys": keys, "site": settings.CERTIFICATE_SITE_URL})


@require_GET
def offline_script(request: HttpRequest) -> HttpResponse:
    if not OFFLINE_SCRIPT.is_file():
        raise Http404
    response = HttpResponse(OFFLINE_SCRIPT.read_bytes(), content_type="text/x-python; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="verify_qr_offline.py"'
    return response


@login_required
@require_GET
def certificate_badge(request: HttpRequest, certificate_id: int) -> HttpResponse:
    """The holder, or someone whose jurisdiction covers the holder, downloads the Open Badges 3.0 VC-JWT."""
    certificate = get_object_or_404(
        certificates_visible_to(user=request.user).select_related("teacher", "level", "rule__prerequisite", "issuer__organisation"),
        pk=certificate_id,
    )
    if certificate.status == CertificateStatus.REVOKED:
        return render(request, "certification/refused.html", {"message": _("A revoked certificate cannot be downloaded.")}, status=409)
    if certificate.teacher.user_id != request.user.pk:
        access_log_record(actor=request.user, action="export", teacher=certificate.teacher, subject=_("Open Badges credential"), request=request)  # type: ignore[arg-type]
    response = HttpResponse(open_badge_jwt(certificate=certificate), content_type="application/vc+jwt")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}-badge.jwt"'
    response["Cache-Control"] = "private, no-store"
    return response
