"""Where evidence files live: content-addressed under PRIVATE_ROOT/evidence, written whole or not at all."""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

CHUNK = 1024 * 1024


def evidence_root() -> Path:
    configured = getattr(settings, "EVIDENCE_ROOT", None)
    return Path(configured) if configured else Path(settings.PRIVATE_ROOT) / "evidence"


def stored_path(sha256: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a sha256")
    return evidence_root() / "files" / sha256[:2] / sha256


def store_stream(data: BinaryIO) -> str:
    """Copy the stream into the store; returns its sha256. An identical file is stored once."""
    staging = evidence_root() / "tmp" / uuid.uuid4().hex
    staging.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    data.seek(0)
    with staging.open("wb") as out:
        while chunk := data.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    data.seek(0)
    return _move_into_place(staging, digest.hexdigest())


def store_bytes(content: bytes) -> str:
    staging = evidence_root() / "tmp" / uuid.uuid4().hex
    staging.parent.mkdir(parents=True, exist_ok=True)
    staging.write_bytes(content)
    return _move_into_place(staging, hashlib.sha256(content).hexdigest())


def _move_into_place(staging: Path, sha256: str) -> str:
    final = stored_path(sha256)
    if final.exists():
        staging.unlink(missing_ok=True)
        return sha256
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staging, final)
    return sha256
