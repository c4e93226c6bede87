"""The demo: an evidence task open to the demo teacher, three calibrated reviewers from other cities, a quiz
lesson; a second run adds nothing; the demo teacher's evidence goes to two of the demo reviewers."""

from __future__ import annotations

import io
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from assessments.evidence.submissions import piece_upload, submission_submit
from assessments.models import EvidenceTask, PoolMember, Quiz, ReviewAssignment, ReviewerPool
from courses.models import LessonPage
from lms.api import teacher_for_user
from tests.evidence_files import make_docx, make_mp4, make_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _after_commit_now(monkeypatch):
    monkeypatch.setattr("django.db.transaction.on_commit", lambda func, using=None, robust=False: func())


def test_the_demo_has_evidence_review_and_a_quiz_lesson(client):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    assert EvidenceTask.objects.count() == 1 and ReviewerPool.objects.count() == 1 and Quiz.objects.count() == 1
    users = get_user_model().objects
    teacher = teacher_for_user(user=users.get(username="teacher"))
    city = teacher.school.path[:8]
    members = PoolMember.objects.select_related("reviewer", "home")
    assert sorted(m.reviewer.username for m in members) == ["reviewer", "reviewer2", "reviewer3"]
    assert all(m.calibration == "passed" and not m.home.path.startswith(city) for m in members)
    lesson = LessonPage.objects.get(title="能力点自测")
    client.force_login(teacher.user)
    assert "data-quiz-start" in client.get(lesson.url).content.decode()
    task = EvidenceTask.objects.get()
    assert task.title in client.get(reverse("assessments:my_evidence")).content.decode()
    for piece, (name, data) in zip(task.pieces.all(), [("设计.docx", make_docx()), ("实录.mp4", make_mp4(seconds=300)),
                                                      ("反思.pdf", make_pdf())], strict=True):
        piece_upload(task=task, teacher=teacher, piece_id=piece.pk, name=name, data=io.BytesIO(data))
    submission = submission_submit(task=task, teacher=teacher)
    reviewers = set(ReviewAssignment.objects.filter(submission=submission).values_list("reviewer__username", flat=True))
    assert len(reviewers) == 2 and reviewers <= {"reviewer", "reviewer2", "reviewer3"}
