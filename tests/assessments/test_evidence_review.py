"""Evidence tasks and their review: every piece required, deadlines, one submission; two blind reviewers
outside the teacher's school; agreement decides, disagreement goes to a third reviewer; one return for
revision; one appeal to a new reviewer; overdue reviews reassigned; calibration first; results append-only."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assessments.evidence.submissions import piece_upload, submission_appeal, submission_submit
from assessments.models import (
    AssignmentRole,
    AssignmentStatus,
    CalibrationStatus,
    CompetencyResult,
    ConflictScope,
    Review,
    ReviewAssignment,
    ReviewEvent,
    Submission,
    SubmissionFile,
    SubmissionStatus,
)
from assessments.review.assign import review_assign
from assessments.review.calibration import calibration_assign, calibration_case_create
from assessments.review.deadlines import review_deadlines_run
from assessments.review.workflow import ReviewInput, overall_level, review_save
from lms.api import AppendOnlyError
from tests.evidence_files import make_docx, make_mp4
from tests.evidence_setup import evidence_world, reviewer, submit_all, upload_all
from tests.factories import make_teacher

pytestmark = pytest.mark.django_db


def grade(world, assignment: ReviewAssignment, level: str, **extra) -> Review:
    criteria = list(world.task.rubric.criteria.all())
    comments = {str(c.pk): "需改进：证据不足" for c in criteria} if level == "fail" else {}
    data = ReviewInput(decision="grade", criterion_levels={str(c.pk): level for c in criteria}, criterion_comments=comments, **extra)
    return review_save(assignment_id=assignment.pk, reviewer_id=assignment.reviewer_id, data=data)


def live(submission: Submission, role: str) -> ReviewAssignment:
    return ReviewAssignment.objects.get(submission=submission, role=role, status__in=["open", "done"], round=submission.round)


@pytest.fixture(autouse=True)
def _after_commit_now(monkeypatch):
    """Test transactions never commit: run what waits for the commit (reviewer assignment) at once."""
    monkeypatch.setattr("django.db.transaction.on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture
def world(tree):
    return evidence_world(tree)


def test_a_submission_missing_a_piece_is_refused_and_stays_a_draft(world):
    first = world.task.pieces.first()
    piece_upload(task=world.task, teacher=world.teacher, piece_id=first.pk, name="设计.docx", data=io.BytesIO(make_docx()))
    with pytest.raises(ValidationError, match="课堂实录片段"):
        submission_submit(task=world.task, teacher=world.teacher)
    submission = Submission.objects.get(teacher=world.teacher)
    assert submission.status == SubmissionStatus.DRAFT
    assert not ReviewAssignment.objects.exists()


def test_the_draft_keeps_the_pieces_and_a_replacement_replaces(world):
    upload_all(world)
    design = world.task.pieces.first()
    piece_upload(task=world.task, teacher=world.teacher, piece_id=design.pk, name="设计-第二稿.docx", data=io.BytesIO(make_docx(author="x")))
    files = SubmissionFile.objects.filter(submission__teacher=world.teacher)
    assert files.count() == 3
    assert files.get(piece=design).original_name == "设计-第二稿.docx"


def test_submitting_assigns_two_different_reviewers_never_from_the_teachers_school(world):
    submission = submit_all(world)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.IN_REVIEW
    reviewers = set(ReviewAssignment.objects.filter(submission=submission).values_list("reviewer__username", flat=True))
    assert len(reviewers) == 2
    assert "rev_same_school" not in reviewers


def test_a_bad_file_is_refused_with_nothing_saved(world):
    clip = list(world.task.pieces.all())[1]
    with pytest.raises(ValidationError, match="10"):
        piece_upload(task=world.task, teacher=world.teacher, piece_id=clip.pk, name="实录.mp4", data=io.BytesIO(make_mp4(seconds=11 * 60)))
    design = world.task.pieces.first()
    with pytest.raises(ValidationError):
        piece_upload(task=world.task, teacher=world.teacher, piece_id=design.pk, name="设计.docx", data=io.BytesIO(b"MZ\x90\x00" + bytes(200)))
    with pytest.raises(ValidationError):
        piece_upload(task=world.task, teacher=world.teacher, piece_id=design.pk, name="设计.docx", data=io.BytesIO(make_docx(macros=True)))
    assert not SubmissionFile.objects.exists()


def test_after_the_deadline_nothing_is_accepted(tree):
    world = evidence_world(tree, deadline=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(ValidationError, match="deadline|截止"):
        upload_all(world)
    assert not Submission.objects.exists()


def test_a_draft_cannot_be_submitted_after_the_deadline(world):
    upload_all(world)
    world.task.deadline = timezone.now() - dt.timedelta(seconds=1)
    world.task.save()
    with pytest.raises(ValidationError):
        submission_submit(task=world.task, teacher=world.teacher)
    assert Submission.objects.get().status == SubmissionStatus.DRAFT


def test_a_double_submit_is_refused(world):
    submit_all(world)
    with pytest.raises(ValidationError, match="already|已"):
        submission_submit(task=world.task, teacher=world.teacher)
    assert ReviewAssignment.objects.count() == 2


def test_two_agreeing_reviews_decide_and_record_an_append_only_result(world):
    submission = submit_all(world)
    first, second = live(submission, "first"), live(submission, "second")
    r1 = grade(world, first, "excellent")
    r2 = grade(world, second, "excellent")
    submission.refresh_from_db()
    assert (submission.status, submission.level) == (SubmissionStatus.DECIDED, "excellent")
    result = CompetencyResult.objects.get(teacher=world.teacher)
    assert (result.level, result.passed, result.framework_code) == ("excellent", True, world.task.competency.framework.code)
    assert sorted(result.review_ids) == sorted([r1.pk, r2.pk])
    result.level = "fail"
    with pytest.raises(AppendOnlyError):
        result.save()


def test_disagreement_goes_to_a_third_reviewer_whose_level_decides(world):
    submission = submit_all(world)
    first, second = live(submission, "first"), live(submission, "second")
    grade(world, first, "excellent")
    grade(world, second, "fail")
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.ADJUDICATING
    judge = live(submission, "adjudicator")
    assert judge.reviewer_id not in (first.reviewer_id, second.reviewer_id)
    assert judge.reviewer.username != "rev_same_school"
    grade(world, judge, "pass")
    submission.refresh_from_db()
    assert (submission.status, submission.level) == (SubmissionStatus.DECIDED, "pass")
    assert len(CompetencyResult.objects.get().review_ids) == 3


def test_below_pass_every_criterion_needs_a_comment(world):
    submission = submit_all(world)
    first = live(submission, "first")
    criteria = list(world.task.rubric.criteria.all())
    levels = {str(c.pk): "fail" for c in criteria}
    with pytest.raises(ValidationError):
        review_save(assignment_id=first.pk, reviewer_id=first.reviewer_id, data=ReviewInput("grade", levels, {}))
    assert not Review.objects.exists()


def test_a_level_is_reached_only_when_every_criterion_meets_it(world):
    rubric = world.task.rubric
    ids = [str(c.pk) for c in rubric.criteria.all()]
    mixed = {ids[0]: "excellent", ids[1]: "excellent", ids[2]: "pass"}
    assert overall_level(rubric, mixed) == "pass"
    rubric.every_criterion_rule = False
    assert overall_level(rubric, mixed) == "excellent"


def test_the_same_review_cannot_be_saved_twice(world):
    submission = submit_all(world)
    first = live(submission, "first")
    grade(world, first, "pass")
    with pytest.raises(ValidationError, match="already|已"):
        grade(world, first, "excellent")
    assert Review.objects.filter(assignment=first).get().level == "pass"


def test_a_reviewer_cannot_review_work_not_assigned_to_them(world):
    submission = submit_all(world)
    first = live(submission, "first")
    stranger = world.reviewers["rev_same_school"]
    with pytest.raises(PermissionDenied):
        review_save(assignment_id=first.pk, reviewer_id=stranger.pk, data=ReviewInput("grade", {}))
    assert not Review.objects.exists()


def test_an_assignment_from_the_reviewers_own_school_is_refused(world):
    submission = submit_all(world)
    own = ReviewAssignment.objects.create(
        submission=submission, reviewer=world.reviewers["rev_same_school"], pool=world.pool, role="adjudicator",
        assigned_at=timezone.now(), due_at=timezone.now() + dt.timedelta(days=3),
    )
    with pytest.raises(PermissionDenied, match="own school|本校"):
        grade(world, own, "pass")
    assert not Review.objects.exists()


def test_return_for_revision_once_then_it_is_reviewed_again(world):
    submission = submit_all(world)
    first, second = live(submission, "first"), live(submission, "second")
    review_save(assignment_id=first.pk, reviewer_id=first.reviewer_id, data=ReviewInput("return", {}, comment="请补充学情分析"))
    submission.refresh_from_db()
    second.refresh_from_db()
    assert (submission.status, submission.round, submission.revision_used) == (SubmissionStatus.RETURNED, 1, True)
    assert second.status == AssignmentStatus.CANCELLED
    assert SubmissionFile.objects.filter(submission=submission, round=1).count() == 3
    submission_submit(task=world.task, teacher=world.teacher)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.IN_REVIEW
    again = live(submission, "first")
    with pytest.raises(ValidationError):
        review_save(assignment_id=again.pk, reviewer_id=again.reviewer_id, data=ReviewInput("return", {}, comment="再改"))
    assert Submission.objects.get().status == SubmissionStatus.IN_REVIEW


def test_an_appeal_goes_once_to_a_reviewer_not_used_before(tree):
    world = evidence_world(tree, homes={"r1": tree.school_a2_1, "r2": tree.school_b1_1, "r3": tree.school_a1_2})
    submission = submit_all(world)
    first, second = live(submission, "first"), live(submission, "second")
    grade(world, first, "fail")
    grade(world, second, "fail")
    submission.refresh_from_db()
    submission_appeal(submission=submission, teacher=world.teacher, reason="我认为课堂实录体现了目标")
    appeal = live(submission, "appeal")
    assert appeal.reviewer.username == "r3"
    grade(world, appeal, "pass")
    submission.refresh_from_db()
    assert (submission.status, submission.level) == (SubmissionStatus.DECIDED, "pass")
    assert list(CompetencyResult.objects.order_by("pk").values_list("source", "level")) == [("evidence", "fail"), ("appeal", "pass")]
    with pytest.raises(ValidationError, match="once|一次"):
        submission_appeal(submission=submission, teacher=world.teacher, reason="again")


def test_an_appeal_after_the_window_is_refused(world):
    submission = submit_all(world)
    grade(world, live(submission, "first"), "pass")
    grade(world, live(submission, "second"), "pass")
    submission.refresh_from_db()
    late = submission.decided_at + dt.timedelta(days=world.task.appeal_days, minutes=1)
    with pytest.raises(ValidationError):
        submission_appeal(submission=submission, teacher=world.teacher, reason="迟了", now=late)
    submission.refresh_from_db()
    assert (submission.status, submission.appeal_used) == (SubmissionStatus.DECIDED, False)


def test_overdue_reviews_are_reassigned_and_reviews_due_soon_reminded(world, tree):
    reviewer("rev_e", pool=world.pool, home=tree.school_b1_1)
    submission = submit_all(world)
    first = live(submission, "first")
    soon = first.due_at - dt.timedelta(days=1)
    outcome = review_deadlines_run(now=soon)
    assert outcome.reminded == 2
    assert ReviewAssignment.objects.filter(reminded_at__isnull=False).count() == 2
    assert review_deadlines_run(now=soon).reminded == 0
    late = first.due_at + dt.timedelta(minutes=1)
    review_deadlines_run(now=late)
    first.refresh_from_db()
    assert first.status == AssignmentStatus.REASSIGNED
    replacements = ReviewAssignment.objects.filter(submission=submission, status="open")
    assert replacements.count() == 2
    assert first.reviewer_id not in set(replacements.values_list("reviewer_id", flat=True))
    assert ReviewEvent.objects.filter(action="reassigned_overdue").count() == 2


def test_no_reviewer_goes_over_the_cap_and_extra_work_waits(tree):
    world = evidence_world(tree, homes={"r1": tree.school_a2_1, "r2": tree.school_b1_1})
    for member in world.members.values():
        member.cap = 1
        member.save()
    submit_all(world)
    other = make_teacher(school=tree.school_a1_2, real_name="李老师")
    submit_all(world, teacher=other)
    assert ReviewAssignment.objects.count() == 2
    assert Submission.objects.get(teacher=other).status == SubmissionStatus.SUBMITTED


def test_a_wider_conflict_scope_and_a_conflict_set_are_honoured(tree):
    world = evidence_world(tree, homes={"same_county": tree.school_a1_2, "r2": tree.school_a2_1, "r3": tree.school_b1_1})
    world.pool.conflict_scope = ConflictScope.COUNTY
    world.pool.save()
    world.members["r3"].conflicts.add(tree.city_a)
    submission = submit_all(world)
    assert ReviewAssignment.objects.filter(submission=submission).count() == 1  # only r2 is free of conflict
    assert ReviewAssignment.objects.get(submission=submission).reviewer.username == "r2"


def test_new_reviewers_mark_the_calibration_set_first(world):
    source = submit_all(world)
    grade(world, live(source, "first"), "pass")
    grade(world, live(source, "second"), "pass")
    source.refresh_from_db()
    world.pool.members.update(calibration=CalibrationStatus.PASSED)  # the pool's reviewers calibrated earlier
    case = calibration_case_create(pool=world.pool, source=source, level="pass")
    newcomer, member = reviewer("newcomer", pool=world.pool, home=world.teacher.school.get_parent().get_parent())
    calibration_assign(pool=world.pool)
    task = ReviewAssignment.objects.get(reviewer=newcomer)
    assert task.role == AssignmentRole.CALIBRATION and task.submission == case
    other = make_teacher(school=world.teacher.school, real_name="王老师")
    work = submit_all(world, teacher=other)
    assert ReviewAssignment.objects.filter(submission=work).count() == 2
    assert newcomer.pk not in set(ReviewAssignment.objects.filter(submission=work).values_list("reviewer_id", flat=True))
    grade(world, task, "pass")
    member.refresh_from_db()
    assert member.calibration == CalibrationStatus.PASSED
    assert not CompetencyResult.objects.filter(submission=case).exists()


def test_failing_calibration_keeps_live_work_away(world):
    source = submit_all(world)
    world.pool.members.update(calibration=CalibrationStatus.PASSED)
    calibration_case_create(pool=world.pool, source=source, level="excellent")
    newcomer, member = reviewer("newcomer", pool=world.pool, home=world.teacher.school.get_parent())
    calibration_assign(pool=world.pool)
    grade(world, ReviewAssignment.objects.get(reviewer=newcomer), "fail")
    member.refresh_from_db()
    assert member.calibration == CalibrationStatus.FAILED
    other = make_teacher(school=world.teacher.school, real_name="王老师")
    work = submit_all(world, teacher=other)
    review_assign()
    assert ReviewAssignment.objects.filter(submission=work).count() == 2
    assert not ReviewAssignment.objects.filter(reviewer=newcomer).exclude(role="calibration").exists()


def test_every_step_is_audited(world):
    submission = submit_all(world)
    grade(world, live(submission, "first"), "pass")
    grade(world, live(submission, "second"), "pass")
    actions = list(ReviewEvent.objects.filter(submission=submission).values_list("action", flat=True))
    for expected in ("piece_uploaded", "submitted", "assigned", "reviewed", "decided"):
        assert expected in actions


def test_a_calibration_case_is_added_from_the_command_line(world):
    from django.core.management import CommandError, call_command

    source = submit_all(world)
    with pytest.raises(CommandError):
        call_command("calibration_case_add", pool=world.pool.pk, submission=source.blind_code, level="great")
    assert not Submission.objects.filter(is_calibration=True).exists()
    call_command("calibration_case_add", pool=world.pool.pk, submission=source.blind_code, level="pass")
    case = Submission.objects.get(is_calibration=True)
    assert (case.calibration_pool, case.calibration_level, case.files.count()) == (world.pool, "pass", 3)
    assert case.teacher is None and case.blind_code != source.blind_code


def test_a_reviewer_who_teaches_at_the_school_never_gets_its_work_whatever_home_they_were_given(tree):
    world = evidence_world(tree, homes={"r1": tree.school_a2_1})  # the colleague would be the only second reviewer
    colleague = make_teacher(school=tree.school_a1_1, real_name="钱老师")  # teaches at the teacher's school
    from assessments.review.pools import pool_member_add

    pool_member_add(pool=world.pool, reviewer=colleague.user, home=tree.school_b1_1)  # wrongly given another home
    submission = submit_all(world)
    assert colleague.user_id not in set(ReviewAssignment.objects.filter(submission=submission).values_list("reviewer_id", flat=True))
    forced = ReviewAssignment.objects.create(
        submission=submission, reviewer=colleague.user, pool=world.pool, role="adjudicator",
        assigned_at=timezone.now(), due_at=timezone.now() + dt.timedelta(days=3),
    )
    with pytest.raises(PermissionDenied):
        grade(world, forced, "pass")
