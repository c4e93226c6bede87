"""The jurisdiction's title-promotion report: every teacher the user may read who holds the rule's
current title, one row each with every check's figures, gathered per chunk of teachers in four queries
(teachers, hours, appraisals, certificates), and its Excel export."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.api import HoursPolicy, cycle_totals_for_teachers, hours_policy_current
from lms.api import Education, EmploymentStatus, Organisation, Teacher, Title, organisations_in_jurisdiction, xlsx_safe

from ..access import CERTIFICATE_READ_ROLES, UserLike, teachers_readable_by
from ..models import AppraisalRecord, Certificate, CertificateStatus, TitleRuleSet
from .rules import TeacherFacts, TitleEligibility, appraisal_window, title_check_labels, title_result, title_rule_in_force

CHUNK = 5000  # teachers per round of batch queries: bounded memory and query size at a province's scale
ZERO = Decimal("0")
# Teachers who retired or left are not promoted; those on leave still may be.
IN_SERVICE = (EmploymentStatus.ACTIVE, EmploymentStatus.LEAVE)


@dataclass(frozen=True)
class TitleReportRow:
    teacher: Teacher
    result: TitleEligibility


@dataclass(frozen=True)
class TitleReport:
    target_title: str
    rule: TitleRuleSet | None
    today: dt.date
    region: Organisation | None = None
    rows: list[TitleReportRow] = field(default_factory=list)

    @property
    def eligible_count(self) -> int:
        return sum(1 for row in self.rows if row.result.eligible)


def title_report_regions(*, user: UserLike) -> QuerySet[Organisation]:
    """Nodes the user may report on: the subtrees where they read certificates."""
    return organisations_in_jurisdiction(user=user, roles=CERTIFICATE_READ_ROLES)


def title_report_teachers(*, user: UserLike, rule: TitleRuleSet, region: Organisation | None = None) -> QuerySet[Teacher]:
    """Teachers in the user's jurisdiction (and region) who hold the rule's current title and are in service."""
    teachers = teachers_readable_by(user=user).filter(title=rule.from_title, employment_status__in=IN_SERVICE)
    if region is not None:
        teachers = teachers.filter(school__path__startswith=region.path)
    return teachers


def _current_cycle(today: dt.date) -> tuple[HoursPolicy | None, tuple[int, int] | None]:
    try:
        policy = hours_policy_current(on=today)
    except HoursPolicy.DoesNotExist:
        return None, None
    start = policy.cycle_start_for(today.year)
    return policy, (start, start + policy.cycle_years - 1)


def title_report_rows(
    *, teachers: Sequence[Teacher], rule: TitleRuleSet, today: dt.date,
    cycle: tuple[HoursPolicy | None, tuple[int, int] | None] | None = None,
) -> list[TitleReportRow]:
    """Rows for a chunk of teachers from three queries: hours, appraisals, certificates."""
    if not teachers:
        return []
    ids = [teacher.pk for teacher in teachers]
    policy, years = cycle if cycle is not None else _current_cycle(today)
    hours: dict[int, Decimal] = {}
    if policy is not None and years is not None:
        totals = cycle_totals_for_teachers(teachers=ids, cycle_start_year=years[0], policy=policy)
        hours = {teacher_id: row.counted for teacher_id, row in totals.items()}
    appraisals: dict[int, dict[int, str]] = {teacher_id: {} for teacher_id in ids}
    records = AppraisalRecord.objects.filter(teacher_id__in=ids, year__in=appraisal_window(rule=rule, today=today))
    for teacher_id, year, grade in records.order_by("teacher_id", "year", "id").values_list("teacher_id", "year", "grade"):
        appraisals[teacher_id][year] = grade  # the latest record of a year counts
    best: dict[int, tuple[int, str]] = {}
    held = Certificate.objects.filter(teacher_id__in=ids, status=CertificateStatus.VALID, valid_until__gte=today)
    for teacher_id, rank, name in held.values_list("teacher_id", "level__rank", "level__name"):
        if teacher_id not in best or rank > best[teacher_id][0]:
            best[teacher_id] = (rank, name)
    rows = []
    for teacher in teachers:
        level = best.get(teacher.pk)
        facts = TeacherFacts(
            title=teacher.title, title_conferred_on=teacher.title_conferred_on, education=teacher.education,
            cycle=years, cycle_counted=hours.get(teacher.pk, ZERO), level_rank=level[0] if level else None,
            level_name=level[1] if level else "", appraisals=appraisals[teacher.pk],
        )
        result = title_result(teacher_id=teacher.pk, target_title=rule.target_title, rule=rule, facts=facts, today=today)
        rows.append(TitleReportRow(teacher, result))
    return rows


def _chunks(teachers: QuerySet[Teacher], size: int) -> Iterator[list[Teacher]]:
    """Keyset pages by primary key: each chunk is one query however deep into the list it is."""
    last = 0
    while True:
        chunk = list(teachers.filter(pk__gt=last).select_related("school").order_by("pk")[:size])
        if not chunk:
            return
        yield chunk
        if len(chunk) < size:
            return
        last = chunk[-1].pk


def title_report(
    *, user: UserLike, target_title: str, region: Organisation | None = None, today: dt.date | None = None
) -> TitleReport:
    """The whole report; a target without rules gives an empty report whose `rule` is None."""
    today = today or timezone.localdate()
    rule = title_rule_in_force(target_title=target_title, today=today)
    if rule is None:
        return TitleReport(target_title, None, today, region)
    cycle = _current_cycle(today)
    rows: list[TitleReportRow] = []
    for chunk in _chunks(title_report_teachers(user=user, rule=rule, region=region), CHUNK):
        rows += title_report_rows(teachers=chunk, rule=rule, today=today, cycle=cycle)
    rows.sort(key=lambda row: (row.teacher.school.path, row.teacher.real_name, row.teacher.pk))
    return TitleReport(target_title, rule, today, region, rows)


def title_report_frame(report: TitleReport) -> pd.DataFrame:
    """One row per teacher: who, every check's figures and met/unmet, and the overall 符合/不符合."""
    titles = {value: str(label) for value, label in Title.choices}
    educations = {value: str(label) for value, label in Education.choices}
    labels = title_check_labels(rule=report.rule, today=report.today) if report.rule is not None else []
    columns = [_("Name"), _("ID number"), _("School"), _("Current title"), _("Title conferred on"), _("Education")]
    for _code, label in labels:
        columns += [label, _("%(check)s: met") % {"check": label}]
    columns += [_("Overall"), _("Rule version")]
    meets, fails = _("Meets"), _("Does not meet")
    records: list[list[Any]] = []
    for row in report.rows:
        teacher, result = row.teacher, row.result
        record: list[Any] = [
            teacher.real_name, teacher.id_number_masked, teacher.school.name, titles.get(teacher.title, teacher.title),
            teacher.title_conferred_on.isoformat() if teacher.title_conferred_on else "",
            educations.get(teacher.education, teacher.education),
        ]
        for check in result.checks:
            record += [check.figures, meets if check.met else fails]
        record += [meets if result.eligible else fails, f"v{result.version}"]
        records.append(record)
    return pd.DataFrame(records, columns=columns)


def title_eligibility_report(
    *, user: UserLike, target_title: str, region: Organisation | None = None, today: dt.date | None = None
) -> pd.DataFrame:
    return title_report_frame(title_report(user=user, target_title=target_title, region=region, today=today))


def title_report_xlsx(report: TitleReport) -> bytes:
    """The report as a workbook: header row frozen, columns wide enough to read."""
    frame = title_report_frame(report)
    sheet = _("Title promotion")[:31]
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.map(xlsx_safe).to_excel(writer, index=False, sheet_name=sheet, freeze_panes=(1, 0))
        worksheet = writer.sheets[sheet]
        for index, column in enumerate(frame.columns):
            letter = worksheet.cell(row=1, column=index + 1).column_letter
            longest = max([len(str(column)), *(len(str(value)) for value in frame[column].head(200))])
            worksheet.column_dimensions[letter].width = min(60, 4 + longest * 2)  # CJK characters are two wide
    return buffer.getvalue()
