"""Competency results for certification: the standing result is the latest recorded; summaries count passed
competencies per dimension and tier; a new framework version never changes results recorded against an old one."""

from __future__ import annotations

import pytest

from assessments.api import competency_results_history, competency_summaries
from assessments.models import CapabilityFramework, CompetencyResult, FrameworkNode
from assessments.services import framework_2014_ensure, framework_2_0_ensure
from tests.assessments.test_evidence_review import grade, live
from tests.evidence_setup import evidence_world, submit_all

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _after_commit_now(monkeypatch):
    monkeypatch.setattr("django.db.transaction.on_commit", lambda func, using=None, robust=False: func())


def test_results_stay_on_their_framework_version_and_summaries_count_them(tree):
    world = evidence_world(tree)
    submission = submit_all(world)
    grade(world, live(submission, "first"), "pass")
    grade(world, live(submission, "second"), "pass")
    old = world.task.competency.framework
    new = framework_2_0_ensure()  # the full 2.0 structure: a newer version of the same framework
    assert (new.code, new.version > old.version) == (old.code, True)
    assert CapabilityFramework.objects.get(pk=old.pk).is_current is False
    result = CompetencyResult.objects.get()
    assert result.framework_version == old.version and result.competency.framework_id == old.pk
    summary = competency_summaries(teacher_ids=[world.teacher.pk], framework_code=old.code, framework_version=old.version)[world.teacher.pk]
    assert summary.passed == {"A1"} and summary.levels == {"A1": "pass"}
    assert sum(summary.passed_by_tier.values()) == 1
    later = competency_summaries(teacher_ids=[world.teacher.pk], framework_code=new.code, framework_version=new.version)
    assert later[world.teacher.pk].passed == frozenset()
    assert [r.pk for r in competency_results_history(teacher_id=world.teacher.pk)] == [result.pk]


def test_the_latest_result_stands_after_an_appeal(tree):
    from assessments.evidence.submissions import submission_appeal
    from tests.evidence_setup import reviewer

    world = evidence_world(tree, homes={"r1": tree.school_a2_1, "r2": tree.school_b1_1})
    reviewer("r3", pool=world.pool, home=tree.school_a1_2)
    submission = submit_all(world)
    grade(world, live(submission, "first"), "fail")
    grade(world, live(submission, "second"), "fail")
    submission.refresh_from_db()
    framework = world.task.competency.framework
    before = competency_summaries(teacher_ids=[world.teacher.pk], framework_code=framework.code, framework_version=framework.version)
    assert before[world.teacher.pk].passed == frozenset()
    submission_appeal(submission=submission, teacher=world.teacher, reason="请复核")
    submission.refresh_from_db()
    grade(world, live(submission, "appeal"), "excellent")
    after = competency_summaries(teacher_ids=[world.teacher.pk], framework_code=framework.code, framework_version=framework.version)
    assert after[world.teacher.pk].levels == {"A1": "excellent"}
    assert CompetencyResult.objects.count() == 2  # the first decision is kept, not overwritten


def test_summaries_place_2014_results_under_their_dimension(tree):
    framework = framework_2014_ensure()
    node = FrameworkNode.objects.filter(framework=framework, kind="competency").order_by("position").first()
    world = evidence_world(tree)
    CompetencyResult.objects.create(
        teacher=world.teacher, competency=node, framework_code=framework.code, framework_version=framework.version,
        level="pass", passed=True, source="evidence", recorded_at="2026-10-01T08:00:00Z",
    )
    summary = competency_summaries(teacher_ids=[world.teacher.pk], framework_code=framework.code, framework_version=framework.version)
    dimension = FrameworkNode.objects.get(pk=node.parent_id)
    assert summary[world.teacher.pk].passed_by_dimension == {dimension.code: 1}


def test_a_marked_quiz_attempt_records_a_result_per_competency(tree):
    from decimal import Decimal

    from assessments.models import Quiz
    from assessments.quizzes.services import quiz_answer_save, quiz_attempt_start, quiz_attempt_submit, quiz_item_create
    from assessments.services import framework_2_0_core_ensure
    from tests.factories import make_teacher

    framework = framework_2_0_core_ensure()
    a1, a3 = (FrameworkNode.objects.get(code=c, framework=framework) for c in ("A1", "A3"))
    quiz_item_create(institution=tree.institution, item_type="true_false", stem="对吗", key={"correct": True}, competency=a1)
    quiz_item_create(institution=tree.institution, item_type="true_false", stem="错吗", key={"correct": False}, competency=a3)
    quiz = Quiz.objects.create(institution=tree.institution, title="自测", pass_mark=Decimal(60),
                               rules=[{"competency": "A1", "count": 1}, {"competency": "A3", "count": 1}])
    teacher = make_teacher(school=tree.school_a1_1, real_name="韩老师")
    attempt = quiz_attempt_start(quiz=quiz, teacher=teacher)
    for item_id in attempt.item_ids:
        quiz_answer_save(attempt_id=attempt.pk, teacher=teacher, item_id=item_id, response=True)
    quiz_attempt_submit(attempt=attempt, teacher=teacher)
    found = {r.competency.code: (r.level, r.passed, r.source) for r in CompetencyResult.objects.filter(quiz_attempt=attempt)}
    assert found == {"A1": ("pass", True, "quiz"), "A3": ("fail", False, "quiz")}
    assert all(r.framework_version == framework.version for r in CompetencyResult.objects.all())
