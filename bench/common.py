"""Shared helpers for the benchmarks: Django set-up and creating the PostgreSQL database."""

from __future__ import annotations

import os
import socket
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/lms_bench"


def database_url() -> str:
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("The benchmarks need PostgreSQL: set DATABASE_URL=postgres://… (default " + DEFAULT_DATABASE_URL + ")")
    return url


def ensure_database(url: str, *, fresh: bool = False) -> bool:
    """Create the database named in the URL if it is missing (drop it first when fresh); True if created."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    name = config["NAME"]
    params = {
        "host": config.get("HOST") or None, "port": config.get("PORT") or None,
        "user": config.get("USER") or None, "password": config.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **{k: v for k, v in params.items() if v}) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
        if exists and fresh:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = False
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return not exists


def setup_django() -> None:
    """Benchmarks run with the base settings (DEBUG off, no query logging) unless told otherwise."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.base")
    import django

    django.setup()


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    sys.exit(f"gunicorn did not listen on {port} within {timeout:.0f} s")
