"""H5P in lessons: statements go through the teacher's enrolment, the server's score counts, the lesson
and the course follow it; bad statements are refused and change nothing."""

from __future__ import annotations

import json
import re
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import H5PAttempt, H5PStatement, H5PUserState
from courses.models import EnrolmentStatus, LessonProgress, ProgressStatus
from courses.services import LessonSpec
from tests.assessments.h5p_fixtures import make_activity, province_admin, statement
from tests.courses.catalog_factories import make_course, text_block
from tests.courses.learning_factories import enrol, lessons_of
from tests.factories import PASSWORD, make_teacher
from tests.h5p_builder import blanks_package, multichoice_package

pytestmark = pytest.mark.django_db


def h5p_block(activity: Any, *, required_to_pass: bool = True, title: str = "课堂练习") -> dict[str, Any]:
    return {"type": "h5p", "id": str(uuid.uuid4()),
            "value": {"title": title, "activity": activity.pk, "required_to_pass": required_to_pass}}


class Setup:
    def __init__(self, tree: Any, *, data: bytes | None = None, graded: bool = False, min_score: Any = None,
                 keep_open: bool = False, **activity_settings: Any) -> None:
        self.activity = make_activity(institution=tree.institution, data=data, approver=province_admin(tree),
                                      **activity_settings)
        self.block = h5p_block(self.activity)
        fields = {"completion_min_score": min_score} if min_score is not None else {}
        lessons = [LessonSpec(title="互动练习", body=[text_block(), self.block])]
        if keep_open:  # a second lesson still to do keeps the course open for more attempts
            lessons.append(LessonSpec(title="阅读材料", body=[text_block()]))
        self.course = make_course(institution=tree.institution, lessons=lessons, **fields)
        self.lesson = lessons_of(self.course)[0]
        if graded:
            self.lesson.graded = True
            self.lesson.save_revision().publish()
        self.teacher = make_teacher(school=tree.school_a1_1, real_name="王老师")
        self.enrolment = enrol(self.teacher, self.course)
        self.client = Client()
        self.client.force_login(self.teacher.user)

    @property
    def url(self) -> str:
        return reverse("courses:h5p_statement", args=[self.lesson.pk, self.block["id"]])

    @property
    def token(self) -> str:
        """The signed claims the lesson page gives the player (opening it also starts the lesson)."""
        if not hasattr(self, "_token"):
            self._token = _player_config(self)["token"]
        return self._token

    def post(self, body: Any, *, client: Client | None = None, language: str = "zh-hans", token: str | None = None) -> Any:
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        return (client or self.client).post(self.url, data=data, content_type="application/json",
                                            headers={"accept-language": language, "x-h5p-token": token or self.token})

    def progress(self) -> LessonProgress | None:
        return LessonProgress.objects.filter(enrolment=self.enrolment, lesson=self.lesson).first()


def test_a_right_answer_is_recomputed_counts_and_completes_the_lesson_and_the_course(tree):
    setup = Setup(tree)
    response = setup.post(statement(teacher=setup.teacher, response="true", raw=1, maximum=1))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["counted"] and body["attempt"]["scored_by"] == "server"
    assert body["result"]["percent"] == "100" and body["result"]["passed"] and body["lesson_done"]
    attempt = H5PAttempt.objects.get()
    assert (attempt.score, attempt.max_score, attempt.flagged) == (Decimal(1), Decimal(1), False)
    progress = setup.progress()
    assert progress.status == ProgressStatus.DONE and progress.score == Decimal("100.0")
    setup.enrolment.refresh_from_db()
    assert setup.enrolment.status == EnrolmentStatus.COMPLETED


def test_a_client_that_claims_full_marks_for_a_wrong_answer_gets_the_servers_score_and_is_flagged(tree):
    setup = Setup(tree)
    forged = statement(teacher=setup.teacher, response="false", raw=1, maximum=1)
    forged["object"]["definition"]["correctResponsesPattern"] = ["false"]  # the statement's own key is ignored
    body = setup.post(forged).json()
    assert body["attempt"]["score"] == "0" and not body["attempt"]["passed"]
    stored = H5PStatement.objects.get()
    assert stored.mismatch and stored.client_score == Decimal(1) and stored.recomputed_score == Decimal(0)
    assert stored.body["result"]["score"]["raw"] == 1  # kept exactly as received
    assert H5PAttempt.objects.get().flagged
    progress = setup.progress()
    assert progress.status != ProgressStatus.DONE and progress.score == Decimal("0.0")


def test_multiple_choice_partial_credit_and_the_best_attempt_counts(tree):
    answers = [("课件", True), ("黑板擦", False), ("微课视频", True), ("粉笔", False)]
    setup = Setup(tree, data=multichoice_package(answers=answers), passing_score=Decimal(100), keep_open=True)
    first = setup.post(statement(teacher=setup.teacher, response="0[,]1", raw=0, maximum=2,
                                 library="H5P.MultiChoice-1.16")).json()
    assert first["attempt"]["score"] == "0"  # +1 right, -1 wrong
    second = setup.post(statement(teacher=setup.teacher, response="0", raw=1, maximum=2,
                                  library="H5P.MultiChoice-1.16")).json()
    assert second["result"]["percent"] == "50" and not second["result"]["passed"]
    third = setup.post(statement(teacher=setup.teacher, response="2[,]0", raw=2, maximum=2,
                                 library="H5P.MultiChoice-1.16")).json()
    assert third["result"]["percent"] == "100" and third["result"]["passed"] and third["lesson_done"]
    fourth = setup.post(statement(teacher=setup.teacher, response="1", raw=0, maximum=2,
                                  library="H5P.MultiChoice-1.16")).json()
    assert fourth["result"]["percent"] == "100"  # best attempt still counts
    assert setup.progress().score == Decimal("100.0")


def test_fill_in_the_blanks_are_recomputed(tree):
    setup = Setup(tree, data=blanks_package(questions=["<p>用 *PPT/演示文稿* 展示，用 *微课* 讲解。</p>"]))
    body = setup.post(statement(teacher=setup.teacher, response="演示文稿[,]慕课", raw=2, maximum=2,
                                library="H5P.Blanks-1.14")).json()
    assert (body["attempt"]["score"], body["attempt"]["max_score"]) == ("1", "2")
    assert H5PStatement.objects.get().mismatch


@pytest.mark.parametrize("rule, expected", [("first", "0"), ("last", "0"), ("best", "100")])
def test_which_attempt_counts_follows_the_activity_setting(tree, rule, expected):
    setup = Setup(tree, counting_rule=rule, keep_open=True)
    setup.post(statement(teacher=setup.teacher, response="false", raw=0))
    setup.post(statement(teacher=setup.teacher, response="true", raw=1))
    last = setup.post(statement(teacher=setup.teacher, response="false", raw=0)).json()
    assert last["result"]["percent"] == expected


def test_attempts_beyond_the_limit_are_kept_but_do_not_count(tree):
    setup = Setup(tree, attempts_allowed=1, keep_open=True)
    setup.post(statement(teacher=setup.teacher, response="false", raw=0))
    body = setup.post(statement(teacher=setup.teacher, response="true", raw=1), language="en").json()
    assert not body["counted"] and "No attempts left" in body["message"]
    assert H5PAttempt.objects.count() == 1 and H5PStatement.objects.count() == 2
    assert body["result"]["attempts_left"] == 0 and not body["result"]["passed"]


def test_a_graded_lesson_gives_the_course_its_minimum_score(tree):
    setup = Setup(tree, graded=True, min_score=Decimal(80), passing_score=Decimal(0), data=multichoice_package(
        answers=[("A", True), ("B", True), ("C", False)]))
    setup.post(statement(teacher=setup.teacher, response="0", raw=1, maximum=2, library="H5P.MultiChoice-1.16"))
    setup.enrolment.refresh_from_db()
    assert setup.progress().status == ProgressStatus.DONE and setup.enrolment.status == EnrolmentStatus.ACTIVE
    setup.post(statement(teacher=setup.teacher, response="0[,]1", raw=2, maximum=2, library="H5P.MultiChoice-1.16"))
    setup.enrolment.refresh_from_db()
    assert setup.enrolment.status == EnrolmentStatus.COMPLETED


# --- bad input: refused with a message, nothing written ------------------------------------------


def _nothing_written() -> bool:
    return not H5PStatement.objects.exists() and not H5PAttempt.objects.exists()


def test_a_statement_for_someone_else_is_refused(tree):
    setup = Setup(tree)
    other = make_teacher(school=tree.school_a1_1, real_name="赵老师")
    response = setup.post(statement(teacher=other, response="true"))
    assert response.status_code == 403 and response.json()["message"]
    assert _nothing_written()


def test_a_replayed_statement_is_refused(tree):
    setup = Setup(tree, keep_open=True)
    body = statement(teacher=setup.teacher, response="true")
    assert setup.post(body).status_code == 200
    replay = setup.post(body, language="en")
    assert replay.status_code == 400 and "already been received" in replay.json()["message"]
    assert H5PStatement.objects.count() == 1 and H5PAttempt.objects.count() == 1


def test_an_oversized_statement_is_refused(tree):
    setup = Setup(tree)
    body = statement(teacher=setup.teacher, response="true")
    body["context"]["extensions"] = {"http://example.cn/padding": "填" * 40_000}
    response = setup.post(body)
    assert response.status_code in (400, 413) and response.json()["message"]
    assert _nothing_written()


def test_a_score_above_the_maximum_is_refused(tree):
    setup = Setup(tree)
    response = setup.post(statement(teacher=setup.teacher, response="true", raw=5, maximum=1))
    assert response.status_code == 400 and response.json()["message"]
    assert _nothing_written()


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"id": "x"}'])
def test_malformed_statements_are_refused(tree, body):
    setup = Setup(tree)
    response = setup.post(body)
    assert response.status_code == 400 and response.json()["message"]
    assert _nothing_written()


def test_a_teacher_not_enrolled_cannot_send_statements(tree):
    setup = Setup(tree)
    stranger = make_teacher(school=tree.school_a1_1, real_name="孙老师")
    client = Client()
    client.force_login(stranger.user)
    response = setup.post(statement(teacher=stranger, response="true"), client=client)
    assert response.status_code == 403
    assert _nothing_written()


def test_a_block_that_is_not_in_the_lesson_is_refused(tree):
    setup = Setup(tree)
    url = reverse("courses:h5p_statement", args=[setup.lesson.pk, str(uuid.uuid4())])
    response = setup.client.post(url, data=json.dumps(statement(teacher=setup.teacher, response="true")),
                                 content_type="application/json", headers={"x-h5p-token": setup.token})
    assert response.status_code == 403
    assert _nothing_written()


@pytest.mark.parametrize("token", ["", "forged", "eyJ1IjoxfQ:1abc:def"])
def test_a_statement_without_the_pages_signed_claims_is_refused(tree, token):
    setup = Setup(tree)
    setup.token  # noqa: B018 - the page was opened
    response = setup.post(statement(teacher=setup.teacher, response="true"), token=token or " ")
    assert response.status_code == 403 and response.json()["message"]
    assert _nothing_written()


def test_a_teacher_who_withdrew_after_opening_the_page_is_refused(tree):
    setup = Setup(tree)
    setup.token  # noqa: B018
    setup.enrolment.status = EnrolmentStatus.WITHDRAWN
    setup.enrolment.save(update_fields=["status"])
    response = setup.post(statement(teacher=setup.teacher, response="true"))
    assert response.status_code == 403
    assert _nothing_written()


def test_a_library_refused_after_the_page_was_opened_stops_the_statements(tree):
    from assessments.h5p.packages import h5p_library_decide

    setup = Setup(tree)
    setup.token  # noqa: B018
    h5p_library_decide(library=setup.activity.package.libraries.get(), user=province_admin(tree, "h5p_province_2"),
                       approve=False, note="撤回")
    response = setup.post(statement(teacher=setup.teacher, response="true"))
    assert response.status_code == 403
    assert _nothing_written()


def test_statements_need_the_csrf_token(tree):
    setup = Setup(tree)
    client = Client(enforce_csrf_checks=True)
    client.force_login(setup.teacher.user)
    response = setup.post(statement(teacher=setup.teacher, response="true"), client=client)
    assert response.status_code == 403
    assert _nothing_written()


def test_a_completed_course_records_no_more_answers(tree):
    setup = Setup(tree)
    setup.post(statement(teacher=setup.teacher, response="true"))
    response = setup.post(statement(teacher=setup.teacher, response="true"))
    assert response.status_code == 403
    assert H5PStatement.objects.count() == 1


# --- the lesson page and saved state ------------------------------------------------------------


def _player_config(setup: Setup) -> dict[str, Any]:
    page = setup.client.get(setup.lesson.url)
    assert page.status_code == 200
    html = page.content.decode()
    found = re.search(rf'<script id="h5p-config-{setup.block["id"]}" type="application/json">(.*?)</script>', html)
    assert found, "the lesson page has no player configuration"
    return json.loads(found.group(1))


def test_the_lesson_page_gives_the_player_our_own_routes_and_the_teacher_as_actor(tree):
    setup = Setup(tree)
    config = _player_config(setup)
    assert config["h5pJsonPath"] == f"/h5p/activities/{setup.activity.pk}"
    assert config["frameJs"].startswith("/static/h5p-standalone/")
    assert config["user"]["mail"] == f"teacher-{setup.teacher.pk}@lms.invalid"
    assert config["contentUserDataUrl"].count(":dataType") == 1
    page = setup.client.get(setup.lesson.url).content.decode()
    assert "h5p-standalone/main.bundle.js" in page and "//cdn" not in page


def test_the_player_state_is_saved_and_restored_for_the_teacher_only(tree):
    setup = Setup(tree)
    url = _player_config(setup)["contentUserDataUrl"].replace(":dataType", "state").replace(":subContentId", "0")
    assert setup.client.get(url).json() == {"success": True, "data": False}
    saved = setup.client.post(url, data={"data": '{"answer":true}', "preload": "1", "invalidate": "0"})
    assert saved.json() == {"success": True}
    assert setup.client.get(url).json()["data"] == '{"answer":true}'
    assert H5PUserState.objects.get().teacher == setup.teacher
    # Someone else with the same address: the signed token is bound to the teacher who opened the page.
    other = make_teacher(school=tree.school_a1_1, real_name="钱老师")
    enrol(other, setup.course)
    client = Client()
    client.force_login(other.user)
    assert client.get(url).status_code == 403
    assert client.post(url, data={"data": "{}"}).status_code == 403
    assert H5PUserState.objects.get().data == '{"answer":true}'


# --- content types the server cannot check, and blocks of activities not ready ---------------------


def _essay_package() -> bytes:
    """A content type with no answer key in content.json: the server cannot recompute its score."""
    from tests.h5p_builder import library_files, package_files, zip_bytes

    library = library_files("LMS.Reflection", 1, 0, 0, js="var H5P = H5P || {}; H5P.Reflection = function () {};")
    return zip_bytes(package_files(title="教学反思", main=("LMS.Reflection", 1, 0, 0),
                                   libraries={"LMS.Reflection-1.0": library}, content={"prompt": "写下本课反思"}))


def test_a_type_the_server_cannot_check_counts_for_completion_only(tree):
    setup = Setup(tree, data=_essay_package(), keep_open=True)
    body = setup.post(statement(teacher=setup.teacher, response="我用微课支持预习。", raw=9, maximum=10,
                                verb="completed", library="LMS.Reflection-1.0")).json()
    assert body["attempt"] == {"number": 1, "score": None, "max_score": None, "percent": None,
                               "passed": True, "scored_by": "completion"}
    assert body["lesson_done"] and setup.progress().score is None


def test_a_trusted_activity_counts_the_players_score(tree):
    setup = Setup(tree, data=_essay_package(), trusted=True, passing_score=Decimal(80), keep_open=True)
    body = setup.post(statement(teacher=setup.teacher, response="……", raw=7, maximum=10, verb="completed",
                                library="LMS.Reflection-1.0")).json()
    assert (body["attempt"]["score"], body["attempt"]["scored_by"], body["attempt"]["passed"]) == ("7", "player", False)
    assert setup.progress().score == Decimal("70.0")


def test_a_lesson_block_refuses_an_activity_that_is_not_ready(tree):
    from django.core.exceptions import ValidationError as DjangoValidationError

    from courses.blocks import H5PActivityBlock

    held = make_activity(institution=tree.institution, data=multichoice_package(), title="待审核")
    block = H5PActivityBlock()
    with pytest.raises(DjangoValidationError):
        block.clean(block.to_python({"title": "", "activity": held.pk, "required_to_pass": True}))
    ready = make_activity(institution=tree.institution, title="已就绪", approver=province_admin(tree))
    assert block.clean(block.to_python({"title": "", "activity": ready.pk, "required_to_pass": True}))["activity"] == ready
