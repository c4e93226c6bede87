"""Demo evidence review: an evidence task for A1 (教学设计 + ≤ 10-minute clip + 教学反思) open to every
teacher, and the province's reviewer pool with reviewer, reviewer2 and reviewer3, each from a school in
another city than the demo teacher, so the demo teacher's work goes to two of them and a disagreement to
the third. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from assessments.evidence.setup import evidence_task_default_create
from assessments.models import CalibrationStatus, EvidenceTask, FrameworkNode, PoolMember, ReviewerPool
from assessments.review.pools import pool_member_add
from lms.api import Organisation, OrganisationKind, teacher_for_user

DEMO_POOL = "示范省能力点测评评审专家库"
DEMO_REVIEWERS = ("reviewer", "reviewer2", "reviewer3")


@dataclass
class EvidenceDemoResult:
    tasks: int = 0
    reviewers: int = 0


def _homes(teacher_school: Organisation, count: int) -> list[Organisation]:
    """Schools outside the demo teacher's city, one per reviewer."""
    city_path = teacher_school.path[: Organisation.steplen * 2]
    schools = Organisation.objects.filter(kind=OrganisationKind.SCHOOL).exclude(path__startswith=city_path).order_by("path")
    return list(schools[:count])


def assessments_demo_seed() -> EvidenceDemoResult:
    result = EvidenceDemoResult()
    users = get_user_model().objects
    province = Organisation.objects.get(kind=OrganisationKind.PROVINCE, code="990000")
    competency = FrameworkNode.objects.get(code="A1", framework__code="2.0", framework__is_current=True)
    if not EvidenceTask.objects.filter(owner=province, competency=competency).exists():
        evidence_task_default_create(owner=province, competency=competency)
    pool = ReviewerPool.objects.filter(region=province, name=DEMO_POOL).first() or ReviewerPool.objects.create(
        region=province, name=DEMO_POOL, default_cap=30
    )
    teacher = teacher_for_user(user=users.get(username="teacher"))
    assert teacher is not None
    for username, home in zip(DEMO_REVIEWERS, _homes(teacher.school, len(DEMO_REVIEWERS)), strict=True):
        user = users.get(username=username)
        if not PoolMember.objects.filter(pool=pool, reviewer=user).exists():
            member = pool_member_add(pool=pool, reviewer=user, home=home)
            PoolMember.objects.filter(pk=member.pk).update(calibration=CalibrationStatus.PASSED)
    result.tasks = EvidenceTask.objects.filter(is_active=True).count()
    result.reviewers = PoolMember.objects.filter(pool=pool).count()
    return result
