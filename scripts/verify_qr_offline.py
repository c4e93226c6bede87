#!/usr/bin/env python3
"""Check a certificate QR code offline with only the issuers' published keys (JWKS) — 离线核验证书二维码.

Usage:  python verify_qr_offline.py --jwks keys.json "<QR text: https://…/verify/<number>/?p=…, or the payload alone>"
Needs Python 3.9+ and the `cryptography` package; no network, no database.
Exit status 0 and the signed data as JSON when the signature is valid; 1 and "签名无效 / signature invalid" otherwise.

Payload: base64url(claims JSON bytes) "." base64url(Ed25519 signature over those bytes), without padding.
The key is the JWKS entry whose kid equals the claim "k" and whose issuer_code equals the claim "o".
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import sys
from urllib.parse import parse_qs, unquote, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

CLAIM_KEYS = {"n", "l", "ln", "i", "u", "h", "o", "k"}
ALPHABET = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def b64url_decode(text: str) -> bytes:
    if not text or set(text) - ALPHABET or len(text) % 4 == 1:
        raise ValueError("not base64url")
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode() != text:
        raise ValueError("not canonical base64url")
    return raw


def split_qr_text(text: str) -> tuple[str, str | None]:
    """(payload, number in the address or None when only the payload was given)."""
    text = text.strip()
    if "://" not in text and "?" not in text:
        return text, None
    parts = urlsplit(text)
    payload = (parse_qs(parts.query).get("p") or [""])[0]
    segments = [unquote(s) for s in parts.path.split("/") if s]
    number = segments[-1] if len(segments) >= 2 and segments[-2] == "verify" else ""
    return payload, number


def verify(payload: str, jwks: dict, number: str | None = None) -> dict | None:
    """The claims when the payload is signed by a key of the claimed issuer in the JWKS, else None."""
    try:
        claims_part, signature_part = payload.split(".")
        claims_raw, signature = b64url_decode(claims_part), b64url_decode(signature_part)
        claims = json.loads(claims_raw.decode("utf-8"))
        if not isinstance(claims, dict) or set(claims) != CLAIM_KEYS or not all(isinstance(v, str) for v in claims.values()):
            return None
        keys = [k for k in jwks.get("keys", []) if isinstance(k, dict) and k.get("kid") == claims["k"]]
        if len(keys) != 1:
            return None
        key = keys[0]
        if key.get("kty") != "OKP" or key.get("crv") != "Ed25519" or key.get("issuer_code") != claims["o"]:
            return None
        Ed25519PublicKey.from_public_bytes(b64url_decode(key["x"])).verify(signature, claims_raw)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError, binascii.Error, InvalidSignature):
        return None
    if number is not None and number != claims["n"]:
        return None
    return claims


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check a certificate QR code offline with the issuers' published keys.")
    parser.add_argument("--jwks", required=True, help="the saved key set (…/verify/keys.json)")
    parser.add_argument("qr", help="the QR code's text, or the payload after ?p=")
    args = parser.parse_args(argv)
    with open(args.jwks, encoding="utf-8") as f:
        jwks = json.load(f)
    payload, number = split_qr_text(args.qr)
    claims = verify(payload, jwks, number)
    if claims is None:
        print("签名无效 / signature invalid")
        return 1
    key = next(k for k in jwks["keys"] if k.get("kid") == claims["k"])
    print("签名有效 / signature valid" + ("（该密钥已轮换停用，但其签名仍然有效）" if key.get("retired") else ""))
    print(json.dumps(claims, ensure_ascii=False, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
