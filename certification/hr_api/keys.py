"""API keys of HR systems: issuing (a service account with a personnel-officer grant), checking, revoking."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.api import Organisation, OrganisationKind, Role, active_grants, role_grant, role_revoke

from ..access import regions_administered_by, user_can_administer_certificates
from ..models import ApiClient, ApiScope

UserLike = Any
KEY_SEPARATOR = "."
PREFIX_BYTES = 6  # 8 url-safe characters
SECRET_BYTES = 32  # 43 url-safe characters
REGION_KINDS = (OrganisationKind.PROVINCE, OrganisationKind.CITY, OrganisationKind.COUNTY)
MAX_RATE_PER_MINUTE = 6000


def key_hash(key: str) -> str:
    """Plain SHA-256: the key carries 256 random bits, so no salt or stretching is needed, and a rotated
    SECRET_KEY does not break every issued key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def key_split(key: str) -> tuple[str, str] | None:
    """(prefix, secret) of a well-formed key, else None."""
    prefix, separator, secret = (key or "").strip().partition(KEY_SEPARATOR)
    if not separator or not prefix or not secret or len(prefix) > 16 or len(secret) > 128:
        return None
    return prefix, secret


def key_matches(*, client: ApiClient, key: str) -> bool:
    return hmac.compare_digest(client.key_hash, key_hash(key.strip()))


def _new_prefix() -> str:
    while True:
        prefix = secrets.token_urlsafe(PREFIX_BYTES)
        if not ApiClient.objects.filter(key_prefix=prefix).exists():
            return prefix


def clients_managed_by(*, user: UserLike) -> QuerySet[ApiClient]:
    """Clients bound to a region the user administers (every client for a superuser)."""
    if not user_can_administer_certificates(user=user):
        return ApiClient.objects.none()
    return ApiClient.objects.filter(organisation__in=regions_administered_by(user=user).values("id"))


def user_can_issue_api_keys(*, user: UserLike) -> bool:
    return user_can_administer_certificates(user=user)


@transaction.atomic
def api_client_issue(
    *,
    actor: UserLike,
    name: str,
    organisation: Organisation,
    scopes: list[str],
    rate_per_minute: int = 120,
    contact: str = "",
) -> tuple[ApiClient, str]:
    """Issue a key bound to a region inside the actor's jurisdiction; returns the client and the key,
    which is shown once and never stored."""
    if not regions_administered_by(user=actor).filter(pk=organisation.pk).exists():
        raise PermissionDenied(_("You may issue API keys only for regions you administer."))
    if organisation.kind not in REGION_KINDS:
        raise ValidationError({"organisation": _("An API key is bound to a province, city or county.")})
    unknown = [scope for scope in scopes if scope not in ApiScope.values]
    if not scopes or unknown:
        raise ValidationError({"scopes": _("Choose at least one known scope.")})
    if not 1 <= rate_per_minute <= MAX_RATE_PER_MINUTE:
        raise ValidationError({"rate_per_minute": _("The rate must be between 1 and %(max)s requests per minute.") % {"max": MAX_RATE_PER_MINUTE}})
    prefix = _new_prefix()
    key = f"{prefix}{KEY_SEPARATOR}{secrets.token_urlsafe(SECRET_BYTES)}"
    # The service account never signs in: no usable password and inactive; only its API key acts for it.
    service_user = get_user_model().objects.create_user(username=f"api-{prefix}", password=None)
    service_user.is_active = False
    service_user.first_name = name[:150]
    service_user.save(update_fields=["is_active", "first_name"])
    role_grant(user=service_user, role=Role.PERSONNEL_OFFICER, organisation=organisation, granted_by=actor)
    client = ApiClient(
        name=name.strip(), contact=contact.strip(), organisation=organisation, service_user=service_user,
        scopes=[scope for scope in ApiScope.values if scope in scopes], key_prefix=prefix, key_hash=key_hash(key),
        rate_per_minute=rate_per_minute, created_by=actor if getattr(actor, "pk", None) else None,
    )
    client.full_clean()
    client.save()
    return client, key


@transaction.atomic
def api_client_revoke(*, actor: UserLike, client: ApiClient, reason: str) -> ApiClient:
    """Revoke at once and for good: the key answers 401 and the service account loses its grant."""
    if not clients_managed_by(user=actor).filter(pk=client.pk).exists():
        raise PermissionDenied(_("You may revoke only API keys of regions you administer."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for revoking the key.")})
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is not None:
        return client
    client.revoked_at = timezone.now()
    client.revoked_by = actor
    client.revoke_reason = reason[:300]
    client.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    for grant in active_grants(user=client.service_user):
        role_revoke(grant=grant, revoked_by=actor)
    return client
