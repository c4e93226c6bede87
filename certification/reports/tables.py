"""What a report page, its Excel export and the benchmark share: tables of labelled rows (with the node to
drill into) made from the frames, translated column headers, and the report itself."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _, gettext_lazy, pgettext_lazy

from lms.api import Organisation, SchoolStage, Subject

from .frames import TOTAL

COLUMN_LABELS: dict[str, Any] = {
    "teachers": pgettext_lazy("report column", "Teachers"),
    "with_hours": gettext_lazy("With hours this cycle"),
    "reached": gettext_lazy("Reached the target"),
    "completion_pct": gettext_lazy("Completion %"),
    "mean_hours": gettext_lazy("Mean hours"),
    "median_hours": pgettext_lazy("report column", "Median hours"),
    "share_pct": gettext_lazy("Share %"),
    "none": gettext_lazy("No valid certificate"),
    "suspended": gettext_lazy("Suspended"),
    "revoked": gettext_lazy("Revoked"),
    "renewed": gettext_lazy("Renewed"),
    "warned": gettext_lazy("Warned"),
    "not_reviewed": gettext_lazy("Not reviewed"),
    "hours": gettext_lazy("Hours recorded"),
    "teachers_with_hours": gettext_lazy("Teachers with hours"),
    "certificates": gettext_lazy("Certificates issued"),
}
KEY_LABELS: dict[str, Any] = {
    "child": gettext_lazy("Area or school"),
    "stage": gettext_lazy("School stage"),
    "subject": gettext_lazy("Subject"),
    "stage_subject": gettext_lazy("Stage and subject"),
    "year": gettext_lazy("Year"),
}
TABLE_TITLES: dict[str, Any] = {
    "child": gettext_lazy("By area or school"),
    "stage": gettext_lazy("By school stage"),
    "subject": gettext_lazy("By subject"),
    "stage_subject": gettext_lazy("By stage and subject"),
    "year": gettext_lazy("By year"),
}


@dataclass(frozen=True)
class TableRow:
    label: str
    values: list[Any]
    node_id: int | None = None  # the child node to drill into
    is_total: bool = False


@dataclass(frozen=True)
class ReportTable:
    key: str  # child / stage / subject / stage_subject / year
    title: str
    key_label: str
    columns: list[tuple[str, str]]  # (column key, translated header)
    rows: list[TableRow]

    def frame(self) -> pd.DataFrame:
        """The table as shown: the row label first, numbers kept as numbers (for the Excel export)."""
        headers = [self.key_label, *(label for _key, label in self.columns)]
        return pd.DataFrame([[row.label, *row.values] for row in self.rows], columns=headers)

    def body(self) -> list[TableRow]:
        return [row for row in self.rows if not row.is_total]

    def column(self, key: str) -> list[Any]:
        index = [column for column, _label in self.columns].index(key)
        return [row.values[index] for row in self.body()]


@dataclass(frozen=True)
class Chart:
    title: str
    svg: SafeString


@dataclass(frozen=True)
class Report:
    kind: str  # completion / indicator / levels / annual / trends
    title: str
    node: Organisation
    tables: list[ReportTable]
    teachers: int  # teachers covered
    notes: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)

    def table(self, key: str) -> ReportTable:
        return next(table for table in self.tables if table.key == key)


def key_labeller(key: str, children: Sequence[Organisation]) -> Callable[[Any], tuple[str, int | None]]:
    """Row key → (label, node to drill into): a child's path → its name and id; a stage or subject code → its
    label; (stage, subject) → both; a year → itself."""
    stages, subjects = dict(SchoolStage.choices), dict(Subject.choices)
    by_path = {child.path: child for child in children}

    def label(value: Any) -> tuple[str, int | None]:
        if value == TOTAL:
            return _("Total"), None
        if key == "child":
            child = by_path.get(value)
            return (child.name, child.pk) if child is not None else (str(value), None)
        if key == "stage":
            return str(stages.get(value, value)), None
        if key == "subject":
            return str(subjects.get(value, value)), None
        if key == "stage_subject":
            stage, subject = value
            return f"{stages.get(stage, stage)} · {subjects.get(subject, subject)}", None
        return str(value), None

    return label


def report_table(
    frame: pd.DataFrame, *, key: str, children: Sequence[Organisation] = (), extra_labels: dict[str, str] | None = None,
    title: str = "",
) -> ReportTable:
    """A frame (index: row keys, last row the total) → a table with translated headers and labelled rows."""
    labels = {**{k: str(v) for k, v in COLUMN_LABELS.items()}, **(extra_labels or {})}
    columns = [(column, labels.get(column, column)) for column in frame.columns]
    labeller = key_labeller(key, children)
    rows = []
    for index, values in zip(frame.index, frame.itertuples(index=False)):
        label, node_id = labeller(index)
        rows.append(TableRow(label, [_plain(value) for value in values], node_id, is_total=index == TOTAL))
    return ReportTable(key, title or str(TABLE_TITLES[key]), str(KEY_LABELS[key]), columns, rows)


def hours_text(value: Decimal) -> str:
    """360.0 → "360", 72.5 → "72.5": hours as people write them."""
    return f"{value.normalize():f}"


def _plain(value: Any) -> Any:
    """numpy scalars → Python numbers (templates, openpyxl and JSON all take those)."""
    return value.item() if hasattr(value, "item") else value
