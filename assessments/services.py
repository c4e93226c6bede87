"""Writes on frameworks: load a framework version from CSV (kind, code, name, parent code)."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from assessments.models import CapabilityFramework, FrameworkNode

CORE_2_0_CSV = Path(__file__).resolve().parent / "data" / "framework_2_0_core.csv"


@transaction.atomic
def framework_load_csv(*, code: str, version: int, name: str, path: Path) -> CapabilityFramework:
    """Create (or return, when already loaded) one framework version from a CSV file."""
    framework, created = CapabilityFramework.objects.get_or_create(code=code, version=version, defaults={"name": name})
    if not created:
        return framework
    CapabilityFramework.objects.filter(code=code).exclude(pk=framework.pk).update(is_current=False)
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
