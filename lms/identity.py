"""Protecting 身份证号: what is stored (ciphertext, keyed hash, masked form) and how it is found."""

from __future__ import annotations

from dataclasses import dataclass

from lms.crypto import encrypt_text, lookup_hash
from lms.idcard import mask_id_number, normalise


@dataclass(frozen=True)
class ProtectedIdNumber:
    encrypted: str
    hash: str
    masked: str


def id_number_hash(raw: str) -> str:
    return lookup_hash(normalise(raw))


def protect_id_number(value: str) -> ProtectedIdNumber:
    value = normalise(value)
    return ProtectedIdNumber(encrypted=encrypt_text(value), hash=lookup_hash(value), masked=mask_id_number(value))
