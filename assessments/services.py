"""Writes on frameworks: import and export framework versions (assessments.frameworks), the shipped
standards, and the original loader of the 2.0 core (kind, code, name, parent code)."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from assessments.frameworks.formats import (
    framework_export_rows,
    framework_rows_from_csv,
    framework_rows_from_json,
    framework_rows_to_csv,
    framework_to_csv,
    framework_to_json,
)
from assessments.frameworks.importing import framework_import, framework_rows_check
from assessments.frameworks.shipped import framework_2_0_ensure, framework_2014_ensure
from assessments.models import CapabilityFramework, FrameworkNode

CORE_2_0_CSV = Path(__file__).resolve().parent / "data" / "framework_2_0_core.csv"


@transaction.atomic
def framework_load_csv(*, code: str, version: int, name: str, path: Path) -> CapabilityFramework:
    """Create (or return, when already loaded) one framework version from a CSV file, unchecked.

    Kept for the 2.0 core, whose competencies sit straight under the environments; new files go through
    framework_import, which checks them. A newer version of the code, when loaded, stays the current one.
    """
    newer = CapabilityFramework.objects.filter(code=code, version__gt=version).exists()
    framework, created = CapabilityFramework.objects.get_or_create(
        code=code, version=version, defaults={"name": name, "is_current": not newer}
    )
    if not created:
        return framework
    if not newer:
        CapabilityFramework.objects.filter(code=code, version__lt=version).update(is_current=False)
    by_code: dict[str, FrameworkNode] = {}
    with path.open(encoding="utf-8") as handle:
        for position, row in enumerate(csv.DictReader(handle)):
            node = FrameworkNode.objects.create(
                framework=framework,
                kind=row["kind"],
                code=row["code"],
                name=row["name"],
                parent=by_code.get(row["parent"] or ""),
                position=position,
            )
            by_code[node.code] = node
    return framework


def framework_2_0_core_ensure() -> CapabilityFramework:
    return framework_load_csv(code="2.0", version=1, name="信息技术应用能力提升工程2.0", path=CORE_2_0_CSV)


__all__ = [
    "framework_2014_ensure",
    "framework_2_0_core_ensure",
    "framework_2_0_ensure",
    "framework_export_rows",
    "framework_import",
    "framework_load_csv",
    "framework_rows_check",
    "framework_rows_from_csv",
    "framework_rows_from_json",
    "framework_rows_to_csv",
    "framework_to_csv",
    "framework_to_json",
]
