"""The frameworks shipped with the product, loaded from assessments/data (idempotent)."""

from __future__ import annotations

from pathlib import Path

from assessments.frameworks.formats import framework_rows_from_csv
from assessments.frameworks.importing import framework_import
from assessments.models import CapabilityFramework

DATA = Path(__file__).resolve().parent.parent / "data"
STANDARD_2014_CSV = DATA / "framework_2014.csv"
FULL_2_0_CSV = DATA / "framework_2_0.csv"

STANDARD_2014_CODE = "2014"
STANDARD_2014_NAME = "中小学教师信息技术应用能力标准（试行）"
FRAMEWORK_2_0_CODE = "2.0"
FRAMEWORK_2_0_NAME = "信息技术应用能力提升工程2.0"
# Version 1 of "2.0" is the core loaded by framework_2_0_core_ensure (competencies straight under the
# environments); the full structure with its dimensions is version 2.
FRAMEWORK_2_0_FULL_VERSION = 2


def framework_2014_ensure() -> CapabilityFramework:
    """The 2014 standard: tiers I and II × five dimensions, 50 items."""
    rows = framework_rows_from_csv(STANDARD_2014_CSV.read_text(encoding="utf-8"))
    return framework_import(code=STANDARD_2014_CODE, version=1, name=STANDARD_2014_NAME, rows=rows)


def framework_2_0_ensure() -> CapabilityFramework:
    """The full 2.0 framework: environments A/B/C × four dimensions, 30 micro-capabilities."""
    rows = framework_rows_from_csv(FULL_2_0_CSV.read_text(encoding="utf-8"))
    return framework_import(
        code=FRAMEWORK_2_0_CODE, version=FRAMEWORK_2_0_FULL_VERSION, name=FRAMEWORK_2_0_NAME, rows=rows
    )
