"""In Chromium: a teacher uploads evidence and submits it; two reviewers mark it blind and disagree; a third
adjudicates; the teacher sees the result with every reviewer's marking (reviewers named only by role)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessments.models import ReviewAssignment, Submission, SubmissionStatus
from tests.browser.conftest import log_in
from tests.evidence_files import make_docx, make_mp4, make_pdf
from tests.evidence_setup import evidence_world
from tests.factories import PASSWORD, build_tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def world():
    tree = build_tree()
    world = evidence_world(tree, homes={
        "rev_same_school": tree.school_a1_1, "rev_a": tree.school_a2_1, "rev_b": tree.school_b1_1, "rev_c": tree.school_a1_2,
    })
    user = world.teacher.user
    user.username = "teacher_zhou"
    user.set_password(PASSWORD)
    user.save()
    return world


def _files(tmp_path: Path) -> list[Path]:
    built = {"教学设计.docx": make_docx(author="周晓梅"), "课堂实录.mp4": make_mp4(seconds=480), "教学反思.pdf": make_pdf(author="周晓梅")}
    paths = []
    for name, data in built.items():
        path = tmp_path / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def _as(browser, live_server, username: str):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server, username, PASSWORD)
    return page


def _review(page, live_server, submission: Submission, level: str, comment: str) -> None:
    page.goto(f"{live_server.url}/reviews/")
    page.click(f"text={submission.blind_code}")
    page.wait_for_selector("#review-form")
    body = page.inner_text("main")
    assert "周晓梅" not in body and "甲一县第一小学" not in body  # blind: no name, no school
    for row in page.locator("tr[data-criterion]").all():
        row.locator(f"input[value='{level}']").check()
        if level == "fail":
            row.locator("textarea").fill("证据不足，需补充")
    page.fill("textarea[name=comment]", comment)
    page.click("#review-grade")
    page.wait_for_load_state("networkidle")
    assert submission.blind_code not in page.inner_text(".review-queue") if page.locator(".review-queue").count() else True


def test_evidence_is_reviewed_blind_adjudicated_and_the_teacher_sees_the_result(browser, live_server, world, tmp_path):
    teacher = _as(browser, live_server, "teacher_zhou")
    teacher.goto(f"{live_server.url}/evidence/")
    teacher.click(f"text={world.task.title}")
    for row, path in zip(teacher.locator("tr[data-piece]").all(), _files(tmp_path), strict=True):
        row.locator("input[type=file]").set_input_files(str(path))
        row.locator("button[type=submit]").click()
        teacher.wait_for_load_state("networkidle")
    assert teacher.locator("tr[data-piece] td.file a").count() == 3
    teacher.click("#evidence-submit")
    teacher.wait_for_selector("#evidence-status[data-status=in_review]")

    submission = Submission.objects.get()
    first, second = (ReviewAssignment.objects.get(submission=submission, role=role) for role in ("first", "second"))
    assert {first.reviewer.username, second.reviewer.username} == {"rev_a", "rev_b"}
    _review(_as(browser, live_server, first.reviewer.username), live_server, submission, "excellent", "设计清晰")
    _review(_as(browser, live_server, second.reviewer.username), live_server, submission, "fail", "课堂实录与目标脱节")
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.ADJUDICATING
    judge = ReviewAssignment.objects.get(submission=submission, role="adjudicator")
    assert judge.reviewer.username == "rev_c"
    _review(_as(browser, live_server, "rev_c"), live_server, submission, "pass", "总体达到合格")

    teacher.goto(f"{live_server.url}/evidence/{world.task.pk}/")
    teacher.wait_for_selector("#evidence-result")
    result = teacher.inner_text("#evidence-result")
    assert "合格" in result and "总体达到合格" in result and "课堂实录与目标脱节" in result
    assert "rev_" not in result
    assert teacher.locator("#appeal-form").count() == 1
    teacher.screenshot(path="test-results/evidence-result.png", full_page=True)
