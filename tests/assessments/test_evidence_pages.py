"""The evidence and review pages: the teacher's upload/submit/result flow, the blind review page and
downloads (no name, no school, no author fields), and refusals for anyone the work is not assigned to."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import ReviewAssignment, ReviewEvent, Submission, SubmissionFile, SubmissionStatus
from tests.evidence_files import make_docx, make_mp4, make_pdf
from tests.evidence_setup import evidence_world, submit_all
from tests.factories import make_teacher

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _after_commit_now(monkeypatch):
    monkeypatch.setattr("django.db.transaction.on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture
def world(tree):
    return evidence_world(tree)


def _upload(client, world, index: int, name: str, data: bytes):
    piece = list(world.task.pieces.all())[index]
    url = reverse("assessments:evidence_upload", args=[world.task.pk, piece.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, data)}, follow=True)


def test_a_teacher_uploads_saves_a_draft_and_submits(client, world):
    client.force_login(world.teacher.user)
    page = client.get(reverse("assessments:my_evidence")).content.decode()
    assert world.task.title in page
    _upload(client, world, 0, "教学设计.docx", make_docx())
    page = client.get(reverse("assessments:evidence_task", args=[world.task.pk])).content.decode()
    assert "教学设计.docx" in page and "草稿" in page
    refused = client.post(reverse("assessments:evidence_submit", args=[world.task.pk]), follow=True).content.decode()
    assert "课堂实录片段" in refused and "缺一不可" in refused
    _upload(client, world, 1, "实录.mp4", make_mp4(seconds=420))
    _upload(client, world, 2, "反思.pdf", make_pdf())
    done = client.post(reverse("assessments:evidence_submit", args=[world.task.pk]), follow=True).content.decode()
    assert "评审中" in done or "Under review" in done
    assert Submission.objects.get().status == SubmissionStatus.IN_REVIEW


def test_a_wrong_file_shows_why_and_saves_nothing(client, world):
    client.force_login(world.teacher.user)
    page = _upload(client, world, 0, "教学设计.docx", b"this is plain text, not a document").content.decode()
    assert "教学设计.docx" in page
    assert not SubmissionFile.objects.exists()
    page = _upload(client, world, 1, "实录.mp4", make_mp4(seconds=601)).content.decode()
    assert "10" in page
    assert not SubmissionFile.objects.exists()


def test_the_review_page_is_blind(client, world):
    submission = submit_all(world)
    assignment = ReviewAssignment.objects.filter(submission=submission).first()
    client.force_login(assignment.reviewer)
    page = client.get(reverse("assessments:review", args=[assignment.pk])).content.decode()
    assert submission.blind_code in page
    assert "周晓梅" not in page and world.teacher.school.name not in page
    design = SubmissionFile.objects.get(submission=submission, piece=world.task.pieces.first())
    response = client.get(reverse("assessments:evidence_file", args=[design.pk]))
    assert response.status_code == 200
    assert submission.blind_code in response["Content-Disposition"] and "%E5%91%A8" not in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as docx:
        assert "周晓梅".encode() not in docx.read("docProps/core.xml")


def test_the_teacher_downloads_their_own_original(client, world):
    submission = submit_all(world)
    design = SubmissionFile.objects.get(submission=submission, piece=world.task.pieces.first())
    client.force_login(world.teacher.user)
    response = client.get(reverse("assessments:evidence_file", args=[design.pk]))
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as docx:
        assert "周晓梅".encode() in docx.read("docProps/core.xml")


def test_others_are_refused_the_review_page_and_the_files(client, world):
    submission = submit_all(world)
    assignment = ReviewAssignment.objects.filter(submission=submission).first()
    outsider = world.reviewers["rev_same_school"]
    client.force_login(outsider)
    assert client.get(reverse("assessments:review", args=[assignment.pk])).status_code == 403
    design = SubmissionFile.objects.filter(submission=submission).first()
    assert client.get(reverse("assessments:evidence_file", args=[design.pk])).status_code == 403
    assert set(ReviewEvent.objects.filter(actor_id=outsider.pk).values_list("action", flat=True)) == {"review_refused", "file_refused"}
    posted = client.post(reverse("assessments:review", args=[assignment.pk]), {"decision": "grade"})
    assert posted.status_code == 403
    assert not assignment.__class__.objects.filter(pk=assignment.pk, status="done").exists()


def test_reviewers_mark_through_the_form_and_the_teacher_sees_the_result(client, world):
    submission = submit_all(world)
    criteria = list(world.task.rubric.criteria.all())
    for assignment in ReviewAssignment.objects.filter(submission=submission):
        client.force_login(assignment.reviewer)
        incomplete = client.post(reverse("assessments:review", args=[assignment.pk]), {"decision": "grade"})
        assert incomplete.status_code == 400
        form = {f"level-{c.pk}": "pass" for c in criteria} | {"decision": "grade", "comment": "目标清晰"}
        assert client.post(reverse("assessments:review", args=[assignment.pk]), form).status_code == 302
    client.force_login(world.teacher.user)
    page = client.get(reverse("assessments:evidence_task", args=[world.task.pk])).content.decode()
    assert "合格" in page and "目标清晰" in page and 'id="appeal-form"' in page
    assert "rev_" not in page


def test_pages_speak_english_when_asked(client, world):
    client.force_login(world.teacher.user)
    page = client.get(reverse("assessments:my_evidence"), headers={"accept-language": "en"}).content.decode()
    assert "My evidence tasks" in page


def test_a_closed_task_keeps_its_result_readable_but_takes_no_uploads(client, world):
    submit_all(world)
    world.task.is_active = False
    world.task.save()
    client.force_login(world.teacher.user)
    page = client.get(reverse("assessments:evidence_task", args=[world.task.pk]))
    assert page.status_code == 200 and 'id="evidence-submit"' not in page.content.decode()
    stranger = make_teacher(school=world.teacher.school, real_name="冯老师")
    client.force_login(stranger.user)
    assert client.get(reverse("assessments:evidence_task", args=[world.task.pk])).status_code == 404


def test_administrators_follow_review_in_their_jurisdiction_only(client, world, tree):
    from lms.models.audit import AccessLog
    from tests.factories import Role, make_user

    submission = submit_all(world)
    county = make_user("county_a1_admin", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    client.force_login(county)
    listing = client.get(reverse("assessments:review_submissions")).content.decode()
    assert submission.blind_code in listing and "周晓梅" in listing
    detail = client.get(reverse("assessments:review_submission", args=[submission.pk])).content.decode()
    assert 'data-action="submitted"' in detail and 'data-action="assigned"' in detail
    assert AccessLog.objects.filter(actor=county, action="view", teacher_id_ref=world.teacher.pk).exists()
    other = make_user("county_b1_admin", role=Role.COUNTY_ADMIN, organisation=tree.county_b1)
    client.force_login(other)
    assert submission.blind_code not in client.get(reverse("assessments:review_submissions")).content.decode()
    assert client.get(reverse("assessments:review_submission", args=[submission.pk])).status_code == 404
    client.force_login(world.reviewers["rev_b"])
    assert client.get(reverse("assessments:review_submissions")).status_code == 403
