"""manage.py h5p_check: one verdict per path, each reason on its own line, status 1 when any is refused."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tests.h5p_builder import blanks_package, json_bytes, truefalse_files, truefalse_package, write_package, zip_bytes

ROOT = Path(__file__).resolve().parents[2]


def run_command(*paths: Path) -> tuple[str, CommandError | None]:
    out = io.StringIO()
    with translation.override("en"):
        try:
            call_command("h5p_check", *map(str, paths), stdout=out)
        except CommandError as error:
            return out.getvalue(), error
    return out.getvalue(), None


def test_an_accepted_package_exits_cleanly(tmp_path):
    path = write_package(tmp_path, truefalse_package())
    output, error = run_command(path)
    assert error is None
    assert output == f"{path}: accepted\n"


def test_a_refused_package_lists_each_reason_and_fails(tmp_path):
    files = truefalse_files()
    files["content/shell.php.png"] = b"<?php"
    files["H5P.TrueFalse-1.8/library.json"] = json_bytes(
        json.loads(files["H5P.TrueFalse-1.8/library.json"]) | {"coreApi": {"majorVersion": 1, "minorVersion": 28}}
    )
    path = write_package(tmp_path, zip_bytes(files))
    output, error = run_command(path)
    assert error is not None and error.returncode == 1
    lines = output.splitlines()
    assert lines[0] == f"{path}: refused"
    assert "  ✗ content/shell.php.png: The name hides a server-side or executable extension (.php)." in lines
    assert any(
        line.startswith("  ✗ H5P.TrueFalse-1.8/library.json › coreApi: ") and "needs H5P core API 1.28" in line
        for line in lines
    )


def test_warnings_are_printed_with_their_field(tmp_path):
    files = truefalse_files()
    files["content/content.json"] = json_bytes({"question": "<p>q</p>", "correct": "maybe"})
    path = write_package(tmp_path, zip_bytes(files))
    output, error = run_command(path)
    assert error is None
    lines = output.splitlines()
    assert lines[0] == f"{path}: accepted"
    assert lines[1].startswith("  ! content/content.json › $.correct: ")


def test_several_paths_at_once(tmp_path):
    good = write_package(tmp_path, truefalse_package(), "good.h5p")
    other = write_package(tmp_path, blanks_package(), "other.h5p")
    bad = write_package(tmp_path, b"not a zip", "bad.h5p")
    output, error = run_command(good, bad, other)
    assert error is not None and "1 of 3" in str(error)
    assert output.splitlines() == [
        f"{good}: accepted",
        f"{bad}: refused",
        "  ✗ This is not an H5P file: it is not a zip archive, or the archive is damaged or truncated.",
        f"{other}: accepted",
    ]


def test_at_least_one_path_is_required():
    with pytest.raises(CommandError):
        call_command("h5p_check")


def test_exit_status_from_manage_py(tmp_path):
    good = write_package(tmp_path, truefalse_package(), "good.h5p")
    bad = write_package(tmp_path, truefalse_package()[:100], "bad.h5p")
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "lms.settings.test"}
    command = [sys.executable, str(ROOT / "manage.py"), "h5p_check"]
    accepted = subprocess.run([*command, str(good)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert accepted.returncode == 0, accepted.stderr
    refused = subprocess.run(
        [*command, str(good), str(bad)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert refused.returncode == 1
    assert f"{bad}:" in refused.stdout and "  ✗ " in refused.stdout
