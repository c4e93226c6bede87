"""Add Chinese translations: re-extract the messages, fill the given ones, compile.

    .venv/bin/python scripts/i18n_add.py my_strings.json   # {"English msgid": "中文", ...}

Safe to run from several shells at once (one at a time under a file lock).
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import polib  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "lms/locale/zh_Hans/LC_MESSAGES/django.po"


def main() -> int:
    mapping: dict[str, str] = {}
    for arg in sys.argv[1:]:
        mapping.update(json.loads(Path(arg).read_text(encoding="utf-8")))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.dev"}
    py = str(ROOT / ".venv/bin/python")
    with open("/tmp/lms-i18n.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run(
            [py, "manage.py", "makemessages", "-l", "zh_Hans", "-l", "en", "--no-obsolete",
             "--ignore=.venv", "--ignore=tests", "--ignore=bench", "--ignore=scripts", "--ignore=var"],
            cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
        )
        po = polib.pofile(str(PO))
        filled = 0
        for entry in po:
            if entry.msgid in mapping and not entry.msgid_plural and (not entry.msgstr or "fuzzy" in entry.flags):
                entry.msgstr = mapping[entry.msgid]
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                filled += 1
            if entry.msgid_plural and entry.msgid in mapping and (
                not entry.msgstr_plural.get(0) or "fuzzy" in entry.flags
            ):  # a fuzzy plural's guess sits in msgstr_plural: replace it too
                entry.msgstr_plural = {0: mapping[entry.msgid]}
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                filled += 1
        po.save()
        subprocess.run([py, "manage.py", "compile_translations"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        missing = [
            e.msgid for e in po
            if (not e.msgstr and not e.msgstr_plural.get(0) and not e.obsolete) or "fuzzy" in e.flags
        ]  # a fuzzy entry is a guess by msgmerge: it is not compiled, so it counts as untranslated
    print(f"filled {filled}; still untranslated: {len(missing)}")
    for msgid in missing[:40]:
        print("  -", msgid)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
