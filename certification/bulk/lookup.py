"""The set-based answer to a chunk of ID numbers: one scoped look-up by keyed hash, then the found
teachers' basics, current certificate, cycle hours and title eligibility in one query each. A number
outside the jurisdiction and an unknown number get the very same answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from courses.api import HoursPolicy, cycle_totals_for_teachers, hours_policy_current
from lms.api import Teacher, Title, teacher_ids_by_id_number

from ..access import UserLike, teachers_readable_by
from ..models import AppraisalRecord, Certificate, CertificateStatus, TitleRuleSet
from ..titles.rules import TeacherFacts, TitleEligibility, appraisal_window, title_result, title_rule_in_force

ZERO = Decimal("0")
TEACHER_FIELDS = ("id", "real_name", "id_number_masked", "school__name", "title", "title_conferred_on", "education")


@dataclass(frozen=True)
class LookupContext:
    """What every chunk of one job shares: the day, the hours cycle, the target title's rule."""

    today: dt.date
    policy: HoursPolicy | None
    cycle: tuple[int, int] | None
    target_title: str
    rule: TitleRuleSet | None


@dataclass(frozen=True)
class HeldCertificate:
    level_rank: int
    level_name: str
    status: str  # as of today: valid / expired / suspended / revoked
    valid_until: dt.date


@dataclass(frozen=True)
class BulkAnswer:
    """One input row's answer; `teacher` is None for a number that is unknown or outside the jurisdiction."""

    row: int
    id_number: str
    teacher: Teacher | None = None
    certificate: HeldCertificate | None = None
    cycle_counted: Decimal | None = None
    eligibility: TitleEligibility | None = None


def lookup_context(*, target_title: str, today: dt.date) -> LookupContext:
    try:
        policy: HoursPolicy | None = hours_policy_current(on=today)
    except HoursPolicy.DoesNotExist:
        policy = None
    cycle = None
    if policy is not None:
        start = policy.cycle_start_for(today.year)
        cycle = (start, start + policy.cycle_years - 1)
    rule = title_rule_in_force(target_title=target_title, today=today) if target_title else None
    return LookupContext(today=today, policy=policy, cycle=cycle, target_title=target_title, rule=rule)


def _certificates(ids: list[int], today: dt.date) -> tuple[dict[int, HeldCertificate], dict[int, tuple[int, str]]]:
    """Per teacher: the certificate to show (the highest valid one, else the highest current one, else the
    latest issued) and, as the title rules count it, the highest valid level (rank, name)."""
    shown: dict[int, tuple[tuple[int, int, int, dt.date], HeldCertificate]] = {}
    best_valid: dict[int, tuple[int, str]] = {}
    held = Certificate.objects.filter(teacher_id__in=ids).values_list(
        "teacher_id", "level__rank", "level__name", "status", "valid_until", "is_current", "issued_on"
    )
    for teacher_id, rank, name, status, valid_until, is_current, issued_on in held:
        if status == CertificateStatus.VALID and valid_until < today:
            status = CertificateStatus.EXPIRED
        valid = status == CertificateStatus.VALID
        if valid and (teacher_id not in best_valid or rank > best_valid[teacher_id][0]):
            best_valid[teacher_id] = (rank, name)
        key = (int(valid), int(is_current), rank, issued_on)
        if teacher_id not in shown or key > shown[teacher_id][0]:
            shown[teacher_id] = (key, HeldCertificate(rank, name, status, valid_until))
    return {teacher_id: certificate for teacher_id, (_key, certificate) in shown.items()}, best_valid


def _appraisals(ids: list[int], rule: TitleRuleSet, today: dt.date) -> dict[int, dict[int, str]]:
    by_teacher: dict[int, dict[int, str]] = {teacher_id: {} for teacher_id in ids}
    records = AppraisalRecord.objects.filter(teacher_id__in=ids, year__in=appraisal_window(rule=rule, today=today))
    for teacher_id, year, grade in records.order_by("teacher_id", "year", "id").values_list("teacher_id", "year", "grade"):
        by_teacher[teacher_id][year] = grade  # the latest record of a year counts, as in the title report
    return by_teacher


def bulk_chunk_answer(*, user: UserLike, rows: Sequence[tuple[int, str]], context: LookupContext) -> list[BulkAnswer]:
    """Answers for (row number, normalised ID number) pairs, in their order."""
    found = teacher_ids_by_id_number(user=user, id_numbers=[id_number for _row, id_number in rows])
    teachers = {
        teacher.pk: teacher
        for teacher in teachers_readable_by(user=user).filter(pk__in=set(found.values()))
        .select_related("school").only(*TEACHER_FIELDS)
    }
    ids = list(teachers)
    if not ids:
        return [BulkAnswer(row, id_number) for row, id_number in rows]
    hours: dict[int, Decimal] = {}
    if context.policy is not None and context.cycle is not None:
        totals = cycle_totals_for_teachers(teachers=ids, cycle_start_year=context.cycle[0], policy=context.policy)
        hours = {teacher_id: row.counted for teacher_id, row in totals.items()}
    certificates, best_valid = _certificates(ids, context.today)
    appraisals = _appraisals(ids, context.rule, context.today) if context.rule is not None else {}
    answers = []
    for row, id_number in rows:
        teacher = teachers.get(found.get(id_number, 0))
        if teacher is None:
            answers.append(BulkAnswer(row, id_number))
            continue
        eligibility = None
        if context.target_title:
            level = best_valid.get(teacher.pk)
            facts = TeacherFacts(
                title=teacher.title, title_conferred_on=teacher.title_conferred_on, education=teacher.education,
                cycle=context.cycle, cycle_counted=hours.get(teacher.pk, ZERO),
                level_rank=level[0] if level else None, level_name=level[1] if level else "",
                appraisals=appraisals.get(teacher.pk, {}),
            )
            eligibility = title_result(
                teacher_id=teacher.pk, target_title=context.target_title, rule=context.rule,
                facts=facts if context.rule is not None else None, today=context.today,
            )
        answers.append(BulkAnswer(
            row, id_number, teacher=teacher, certificate=certificates.get(teacher.pk),
            cycle_counted=hours.get(teacher.pk, ZERO) if context.policy is not None else None, eligibility=eligibility,
        ))
    return answers


def target_title_label(value: str) -> str:
    return str(dict(Title.choices).get(value, value)) if value else ""
