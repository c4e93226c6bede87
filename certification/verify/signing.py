"""The QR's signed payload: compact claims as canonical JSON, signed with the issuer's Ed25519 key.

Format: base64url(claims JSON bytes) "." base64url(Ed25519 signature over those exact bytes), no padding.
Claims: n number, l level code, ln level name, i issued on, u valid until, h masked holder name,
o issuer organisation code, k key id. scripts/verify_qr_offline.py checks it with only the published JWKS."""

from __future__ import annotations

import json
import unicodedata
from typing import Any
from urllib.parse import quote

from cryptography.exceptions import InvalidSignature
from django.conf import settings

from ..models import Certificate
from .keys import b64url_decode, b64url_encode, issuer_key_by_id, issuer_signing_key, private_key, public_key

CLAIM_KEYS = frozenset({"n", "l", "ln", "i", "u", "h", "o", "k"})
PAYLOAD_MAX_LENGTH = 1500


def holder_name_masked(name: str) -> str:
    """张*明 for three characters, 李* for two, otherwise the first character and one star."""
    name = name.strip()
    if not name:
        return "*"
    if len(name) == 3:
        return f"{name[0]}*{name[2]}"
    return f"{name[0]}*"


def holder_name_normalised(name: str) -> str:
    """For comparing a typed name with the holder's: full-width forms, spaces and letter case don't matter."""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def canonical_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def certificate_claims(*, certificate: Certificate, key_id: str) -> dict[str, str]:
    return {
        "n": certificate.number,
        "l": certificate.level.code,
        "ln": certificate.level.name,
        "i": certificate.issued_on.isoformat(),
        "u": certificate.valid_until.isoformat(),
        "h": holder_name_masked(certificate.holder_name),
        "o": certificate.issuer.organisation.code,
        "k": key_id,
    }


def certificate_qr_payload(*, certificate: Certificate) -> str:
    key = issuer_signing_key(issuer=certificate.issuer)
    claims = canonical_json(certificate_claims(certificate=certificate, key_id=key.key_id))
    signature = private_key(key=key).sign(claims)
    return f"{b64url_encode(claims)}.{b64url_encode(signature)}"


def certificate_verify_url(*, number: str) -> str:
    return f"{settings.CERTIFICATE_SITE_URL}/verify/{quote(number, safe='')}/"


def certificate_qr_text(*, certificate: Certificate) -> str:
    """What the certificate's QR code carries: the public page of the number with the signed payload."""
    return f"{certificate_verify_url(number=certificate.number)}?p={certificate_qr_payload(certificate=certificate)}"


def _claims_well_formed(data: object) -> bool:
    return (
        isinstance(data, dict) and set(data) == CLAIM_KEYS
        and all(isinstance(value, str) and value for value in data.values())
    )


def qr_payload_verify(*, payload: str) -> dict[str, str] | None:
    """The signed claims, or None for anything not signed by a published key of the claimed issuer."""
    try:
        if not isinstance(payload, str) or len(payload) > PAYLOAD_MAX_LENGTH or payload.count(".") != 1:
            return None
        claims_part, signature_part = payload.split(".")
        claims_raw, signature = b64url_decode(claims_part), b64url_decode(signature_part)
        if len(signature) != 64:
            return None
        data = json.loads(claims_raw.decode("utf-8"))
        if not _claims_well_formed(data):
            return None
        key = issuer_key_by_id(key_id=data["k"])
        if key is None or key.issuer.organisation.code != data["o"]:
            return None
        public_key(key=key).verify(signature, claims_raw)
    except (ValueError, UnicodeDecodeError, InvalidSignature, TypeError, RecursionError):
        return None
    return dict(data)
