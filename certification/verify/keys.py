"""Issuers' Ed25519 signing keys: created on first use, rotated by command, every public half published."""

from __future__ import annotations

import base64
import secrets
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from django.db import IntegrityError, transaction
from django.utils import timezone

from lms.api import decrypt_text, encrypt_text

from ..models import CertificateIssuer, IssuerKey


def b64url_encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strict base64url without padding; anything else raises ValueError."""
    if not text or len(text) % 4 == 1 or text.strip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"):
        raise ValueError("not base64url")
    raw = base64.b64decode(text.translate(str.maketrans("-_", "+/")) + "=" * (-len(text) % 4), validate=True)
    if b64url_encode(raw) != text:  # non-canonical trailing bits: two spellings of one value
        raise ValueError("not canonical base64url")
    return raw


def _key_new(*, issuer: CertificateIssuer) -> IssuerKey:
    private = Ed25519PrivateKey.generate()
    private_raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public_raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    # Short ids keep the QR small; the organisation code makes a key's owner obvious in the JWKS.
    key_id = f"{issuer.organisation.code}-{secrets.token_hex(4)}"
    return IssuerKey.objects.create(
        issuer=issuer, key_id=key_id, public_key=b64url_encode(public_raw),
        private_key_encrypted=encrypt_text(b64url_encode(private_raw)),
    )


def _active(issuer_id: int) -> IssuerKey | None:
    return IssuerKey.objects.filter(issuer_id=issuer_id, retired_at__isnull=True).order_by("-created_at", "-pk").first()


def issuer_signing_key(*, issuer: CertificateIssuer) -> IssuerKey:
    """The issuer's active key, created on first use; the issuer row is locked so two workers make one key."""
    key = _active(issuer.pk)
    if key is not None:
        return key
    for _attempt in range(3):
        try:
            with transaction.atomic():
                locked = CertificateIssuer.objects.select_for_update().select_related("organisation").get(pk=issuer.pk)
                return _active(locked.pk) or _key_new(issuer=locked)
        except IntegrityError:  # a random key id collided; draw again
            continue
    raise RuntimeError("could not create an issuer key")


def issuer_key_rotate(*, issuer: CertificateIssuer) -> IssuerKey:
    """Retire the active key and make a new one; retired keys stay published so old signatures verify."""
    with transaction.atomic():
        locked = CertificateIssuer.objects.select_for_update().select_related("organisation").get(pk=issuer.pk)
        IssuerKey.objects.filter(issuer=locked, retired_at__isnull=True).update(retired_at=timezone.now())
        return _key_new(issuer=locked)


def private_key(*, key: IssuerKey) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(b64url_decode(decrypt_text(key.private_key_encrypted)))


def public_key(*, key: IssuerKey) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(b64url_decode(key.public_key))


def issuer_key_by_id(*, key_id: str) -> IssuerKey | None:
    if not key_id or len(key_id) > 40:
        return None
    return IssuerKey.objects.select_related("issuer__organisation").filter(key_id=key_id).first()


def public_jwk(*, key: IssuerKey) -> dict[str, Any]:
    """RFC 8037 OKP key with who owns it and whether it is retired (retired keys still verify old signatures)."""
    return {
        "kty": "OKP", "crv": "Ed25519", "x": key.public_key, "kid": key.key_id, "use": "sig", "alg": "EdDSA",
        "issuer_name": key.issuer.name, "issuer_code": key.issuer.organisation.code,
        "created": key.created_at.isoformat(timespec="seconds"),
        "retired": key.retired_at is not None,
        "retired_at": key.retired_at.isoformat(timespec="seconds") if key.retired_at else None,
    }


def published_jwks(*, organisation_code: str | None = None) -> dict[str, Any]:
    """Every issuer key ever made (or one issuer's), oldest first, as a JWK Set."""
    keys = IssuerKey.objects.select_related("issuer__organisation").order_by("issuer__organisation__code", "created_at", "pk")
    if organisation_code is not None:
        keys = keys.filter(issuer__organisation__code=organisation_code)
    return {"keys": [public_jwk(key=key) for key in keys]}


def issuer_by_code(*, organisation_code: str) -> CertificateIssuer | None:
    if not organisation_code or len(organisation_code) > 20:
        return None
    return CertificateIssuer.objects.select_related("organisation").filter(organisation__code=organisation_code).first()
