"""Open Badges 3.0: a certificate as an OpenBadgeCredential (W3C VC data model 2.0), signed as a compact
VC-JWT (EdDSA) with the issuer's Ed25519 key; the issuer's Profile that the credential points to."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from courses.api import HoursKind

from ..models import Certificate, CertificateIssuer, CompetencyLevel, LevelRule
from .keys import b64url_encode, issuer_signing_key, private_key
from .signing import certificate_verify_url

CONTEXTS = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]


def issuer_profile_url(*, organisation_code: str) -> str:
    return f"{settings.CERTIFICATE_SITE_URL}/verify/issuers/{organisation_code}/"


def issuer_keys_url(*, organisation_code: str) -> str:
    return f"{settings.CERTIFICATE_SITE_URL}/verify/keys/{organisation_code}.json"


def issuer_profile(*, issuer: CertificateIssuer) -> dict[str, Any]:
    """The OB 3.0 Profile at the issuer's stable URL (the credential's issuer.id)."""
    code = issuer.organisation.code
    return {
        "@context": CONTEXTS,
        "id": issuer_profile_url(organisation_code=code),
        "type": ["Profile"],
        "name": issuer.name,
        "url": settings.CERTIFICATE_SITE_URL + "/verify/",
        "otherIdentifier": [{"type": "IdentifierEntry", "identifier": code, "identifierType": "identifier"}],
        "publicKeys": issuer_keys_url(organisation_code=code),
    }


def _day_start(day: dt.date) -> str:
    return dt.datetime.combine(day, dt.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE)).isoformat()


def _day_end(day: dt.date) -> str:
    # Certificate.status_on counts the last day as valid.
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=ZoneInfo(settings.TIME_ZONE)).isoformat()


def _criteria_narrative(rule: LevelRule) -> str:
    at_level = _("excellent") if rule.competency_level == CompetencyLevel.EXCELLENT else _("pass or better")
    parts = [_("Passed at least %(count)s competencies of framework %(framework)s (%(level)s).") % {
        "count": rule.competencies_min, "framework": rule.framework_code, "level": at_level,
    }]
    hours = _("At least %(hours)s training hours in the last %(years)s years.") % {
        "hours": f"{rule.hours_total_min.normalize():f}", "years": rule.hours_window_years,
    }
    kinds = [f"{HoursKind(kind).label} {hours_min}" for kind, hours_min in sorted(rule.hours_by_kind_min.items()) if kind in HoursKind.values]
    if kinds:
        hours += " " + _("Of which: %(kinds)s.") % {"kinds": "，".join(kinds)}
    parts.append(hours)
    if rule.prerequisite_id:
        parts.append(_("Holds a valid %(level)s certificate.") % {"level": rule.prerequisite.name if rule.prerequisite else ""})
    parts.append(_("Valid for %(years)s years, confirmed by the annual review.") % {"years": rule.validity_years})
    return " ".join(parts)


def _recipient_identifier(certificate: Certificate) -> dict[str, Any]:
    """The holder's name hashed with a per-certificate salt: whoever knows the name can check it, nobody can read it."""
    salt = salted_hmac("certification.badge.recipient", certificate.number).hexdigest()[:16]
    digest = hashlib.sha256((certificate.holder_name.strip() + salt).encode("utf-8")).hexdigest()
    return {"type": "IdentityObject", "identityHash": f"sha256${digest}", "identityType": "name", "hashed": True, "salt": salt}


def open_badge_credential(*, certificate: Certificate) -> dict[str, Any]:
    """The certificate as an OB 3.0 OpenBadgeCredential, worded in the site's default language."""
    issuer, level, rule = certificate.issuer, certificate.level, certificate.rule
    profile = issuer_profile(issuer=issuer)
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "@context": CONTEXTS,
            "id": certificate_verify_url(number=certificate.number),
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": f"{issuer.certificate_title}（{level.name}）",
            "issuer": {"id": profile["id"], "type": ["Profile"], "name": issuer.name},
            "validFrom": _day_start(certificate.issued_on),
            "validUntil": _day_end(certificate.valid_until),
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "identifier": [_recipient_identifier(certificate)],
                "achievement": {
                    "id": f"{profile['id']}#level-{level.code}",
                    "type": ["Achievement"],
                    "name": level.name,
                    "description": level.description or f"{issuer.certificate_title}：{level.name}",
                    "criteria": {"narrative": _criteria_narrative(rule)},
                    "achievementType": "Certificate",
                },
            },
        }


def _compact_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode("utf-8")


def _epoch(iso: str) -> int:
    return int(dt.datetime.fromisoformat(iso).timestamp())


def open_badge_jwt(*, certificate: Certificate) -> str:
    """Compact JWS (RFC 7515) over the credential plus the VC-JWT registered claims, EdDSA with the issuer's key."""
    key = issuer_signing_key(issuer=certificate.issuer)
    credential = open_badge_credential(certificate=certificate)
    header = {
        "alg": "EdDSA", "typ": "vc+jwt", "kid": key.key_id,
        "jku": issuer_keys_url(organisation_code=certificate.issuer.organisation.code),
    }
    payload = {
        **credential,
        "iss": credential["issuer"]["id"], "jti": credential["id"],
        "nbf": _epoch(credential["validFrom"]), "exp": _epoch(credential["validUntil"]),
    }
    signing_input = f"{b64url_encode(_compact_json(header))}.{b64url_encode(_compact_json(payload))}"
    signature = private_key(key=key).sign(signing_input.encode("ascii"))
    return f"{signing_input}.{b64url_encode(signature)}"
