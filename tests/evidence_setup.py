"""An evidence task, a reviewer pool and a teacher ready to hand in: shared by the evidence and review tests
and the browser test."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from assessments.evidence.setup import evidence_task_default_create
from assessments.evidence.submissions import piece_upload, submission_submit
from assessments.models import EvidenceTask, FrameworkNode, PoolMember, ReviewerPool, Submission
from assessments.review.pools import pool_member_add
from assessments.services import framework_2_0_core_ensure
from lms.api import Organisation, Role, Teacher
from tests.evidence_files import make_docx, make_mp4, make_pdf
from tests.factories import Tree, make_teacher, make_user


@dataclass
class EvidenceWorld:
    task: EvidenceTask
    pool: ReviewerPool
    teacher: Teacher
    reviewers: dict[str, Any]
    members: dict[str, PoolMember]


def reviewer(username: str, *, pool: ReviewerPool, home: Organisation, cap: int | None = None) -> tuple[Any, PoolMember]:
    user = make_user(username, role=Role.REVIEWER, organisation=home)
    return user, pool_member_add(pool=pool, reviewer=user, home=home, cap=cap)


def evidence_world(tree: Tree, *, homes: dict[str, Organisation] | None = None, **task_fields: Any) -> EvidenceWorld:
    framework_2_0_core_ensure()
    competency = FrameworkNode.objects.get(code="A1", framework__is_current=True)
    task = evidence_task_default_create(owner=tree.province, competency=competency, **task_fields)
    pool = ReviewerPool.objects.create(region=tree.province, name="省级评审专家库", default_cap=10)
    homes = homes if homes is not None else {
        "rev_same_school": tree.school_a1_1, "rev_b": tree.school_a2_1, "rev_c": tree.school_b1_1, "rev_d": tree.school_a1_2,
    }
    reviewers, members = {}, {}
    for name, home in homes.items():
        reviewers[name], members[name] = reviewer(name, pool=pool, home=home)
    teacher = make_teacher(school=tree.school_a1_1, real_name="周晓梅")
    return EvidenceWorld(task=task, pool=pool, teacher=teacher, reviewers=reviewers, members=members)


def upload_all(world: EvidenceWorld, *, seconds: float = 300, teacher: Teacher | None = None) -> None:
    teacher = teacher or world.teacher
    files = [("教学设计-周晓梅.docx", make_docx(author="周晓梅")), ("课堂实录.mp4", make_mp4(seconds=seconds)),
             ("教学反思.pdf", make_pdf(author="周晓梅"))]
    for piece, (name, data) in zip(world.task.pieces.all(), files, strict=True):
        piece_upload(task=world.task, teacher=teacher, piece_id=piece.pk, name=name, data=io.BytesIO(data))


def submit_all(world: EvidenceWorld, *, teacher: Teacher | None = None) -> Submission:
    upload_all(world, teacher=teacher)
    return submission_submit(task=world.task, teacher=teacher or world.teacher)
