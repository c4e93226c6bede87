"""Ready-made rubric and evidence task (教学设计 + ≤ 10-minute 课堂实录 + 教学反思), as the 2.0 programme
describes them: used by the demo and as a starting point administrators edit."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from assessments.models import EvidencePiece, EvidenceTask, FrameworkNode, Rubric, RubricCriterion
from lms.api import Organisation

DEFAULT_CRITERIA: tuple[tuple[str, dict[str, str]], ...] = (
    ("技术应用与教学目标的契合", {"excellent": "技术应用精准服务教学目标", "pass": "技术应用与目标基本一致", "fail": "技术与目标脱节"}),
    ("学情与过程证据", {"excellent": "证据完整、真实、有分析", "pass": "证据基本完整", "fail": "证据缺失或不真实"}),
    ("反思与改进", {"excellent": "反思深入并提出可行改进", "pass": "有反思", "fail": "无实质反思"}),
)

DEFAULT_PIECES: tuple[tuple[str, list[str], int, int | None], ...] = (
    ("教学设计", ["docx", "pdf"], 20, None),
    ("课堂实录片段", ["mp4"], 500, 10),
    ("教学反思", ["docx", "pdf"], 10, None),
)


def rubric_default_create(*, owner: Organisation, name: str = "能力点测评通用量规") -> Rubric:
    rubric = Rubric.objects.create(owner=owner, name=name)
    for position, (criterion, descriptors) in enumerate(DEFAULT_CRITERIA):
        RubricCriterion.objects.create(rubric=rubric, sort_order=position, name=criterion, descriptors=descriptors)
    return rubric


@transaction.atomic
def evidence_task_default_create(
    *, owner: Organisation, competency: FrameworkNode, rubric: Rubric | None = None, deadline: dt.datetime | None = None,
    title: str | None = None,
) -> EvidenceTask:
    task = EvidenceTask.objects.create(
        owner=owner, competency=competency, rubric=rubric or rubric_default_create(owner=owner),
        title=title or f"{competency.code} {competency.name} 能力点测评", deadline=deadline,
        instructions="提交教学设计、不超过10分钟的课堂实录片段和教学反思，三项缺一不可。",
    )
    for position, (name, kinds, max_mb, max_minutes) in enumerate(DEFAULT_PIECES):
        EvidencePiece.objects.create(
            task=task, sort_order=position, name=name, kinds=kinds, max_mb=max_mb, max_minutes=max_minutes
        )
    return task
