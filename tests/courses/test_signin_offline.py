"""Sign-in at offline-session blocks of course lessons (集中培训): enrolled teachers, organisers, the display."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from courses.models import Cohort, Enrolment, EnrolmentStatus, LessonPage, OfflineAttendance
from courses.selectors import user_can_organise_offline_block
from courses.services import LessonSpec, offline_block_sign_in
from courses.signin import current_code, offline_block_secret, offline_token
from tests.courses.catalog_factories import make_course, text_block
from tests.courses.school_session_builders import DURING, END, START, _own_cache, messages_of  # noqa: F401
from tests.factories import Role, make_teacher, make_user

pytestmark = pytest.mark.django_db

MINUTE = dt.timedelta(seconds=60)


def offline_block(*, starts_at: dt.datetime, ends_at: dt.datetime, block_id: str | None = None) -> dict:
    return {
        "type": "offline_session",
        "id": block_id or str(uuid.uuid4()),
        "value": {"title": "集中研修：课堂实录研讨", "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat(),
                  "place": "县教师发展中心 302 室", "sign_in_required": True},
    }


@pytest.fixture
def course(tree):
    now = timezone.now()
    blocks = [
        offline_block(starts_at=START, ends_at=END, block_id="fixed-time"),
        offline_block(starts_at=START, ends_at=END, block_id="other-block"),
        offline_block(starts_at=now - dt.timedelta(minutes=10), ends_at=now + dt.timedelta(hours=1), block_id="now"),
    ]
    return make_course(institution=tree.institution, title="集中培训课程", delivery_mode="blended",
                       lessons=[LessonSpec(title="集中研修", body=[text_block(), *blocks])])


@pytest.fixture
def lesson(course):
    return LessonPage.objects.descendant_of(course).get(title="集中研修")


@pytest.fixture
def enrolled(tree, course):
    teacher = make_teacher(school=tree.school_a1_1, real_name="李明")
    Enrolment.objects.create(teacher=teacher, course=course, enrolled_at=timezone.now())
    return teacher


def code_for(lesson, block_id="fixed-time", now=DURING):
    return current_code(secret=offline_block_secret(lesson_id=lesson.pk, block_id=block_id), now=now).code


def test_an_enrolled_teacher_signs_in_with_the_blocks_code(lesson, enrolled):
    row = offline_block_sign_in(user=enrolled.user, lesson=lesson, block_id="fixed-time", code=code_for(lesson),
                                now=DURING)
    assert row.enrolment.teacher == enrolled and row.block_id == "fixed-time" and row.method == "code"


def test_each_block_has_its_own_code(lesson, enrolled):
    assert code_for(lesson, "fixed-time") != code_for(lesson, "other-block")
    with pytest.raises(ValidationError) as refused:
        offline_block_sign_in(user=enrolled.user, lesson=lesson, block_id="fixed-time",
                              code=code_for(lesson, "other-block"), now=DURING)
    assert "签到码无效或已过期" in messages_of(refused.value)
    assert not OfflineAttendance.objects.exists()


def test_an_expired_block_code_is_refused(lesson, enrolled):
    with pytest.raises(ValidationError):
        offline_block_sign_in(user=enrolled.user, lesson=lesson, block_id="fixed-time",
                              code=code_for(lesson, now=DURING), now=DURING + 2 * MINUTE)
    assert not OfflineAttendance.objects.exists()


def test_a_teacher_not_enrolled_is_refused(tree, lesson):
    stranger = make_teacher(school=tree.school_a1_1, real_name="王芳")
    with pytest.raises(ValidationError) as refused:
        offline_block_sign_in(user=stranger.user, lesson=lesson, block_id="fixed-time", code=code_for(lesson),
                              now=DURING)
    assert "正在学习本课程" in messages_of(refused.value)
    assert not OfflineAttendance.objects.exists()


def test_a_withdrawn_teacher_is_refused(lesson, enrolled):
    Enrolment.objects.filter(teacher=enrolled).update(status=EnrolmentStatus.WITHDRAWN)
    with pytest.raises(ValidationError):
        offline_block_sign_in(user=enrolled.user, lesson=lesson, block_id="fixed-time", code=code_for(lesson),
                              now=DURING)
    assert not OfflineAttendance.objects.exists()


def test_outside_the_blocks_window_sign_in_is_refused(lesson, enrolled):
    late = END + MINUTE
    with pytest.raises(ValidationError) as refused:
        offline_block_sign_in(user=enrolled.user, lesson=lesson, block_id="fixed-time",
                              code=code_for(lesson, now=late), now=late)
    assert "签到时间" in messages_of(refused.value)
    assert not OfflineAttendance.objects.exists()


def test_an_unknown_block_is_refused(lesson, enrolled):
    with pytest.raises(ValidationError):
        offline_block_sign_in(user=enrolled.user, lesson=lesson, block_id="no-such-block", code="123456", now=DURING)
    assert not OfflineAttendance.objects.exists()


def test_the_blocks_qr_token_signs_in_and_a_session_token_does_not(lesson, enrolled):
    from courses.signin import session_token

    with pytest.raises(ValidationError):
        offline_block_sign_in(user=enrolled.user, lesson=lesson, block_id="fixed-time",
                              token=session_token(session_id=lesson.pk, now=DURING), now=DURING)
    token = offline_token(lesson_id=lesson.pk, block_id="fixed-time", now=DURING)
    row = offline_block_sign_in(user=enrolled.user, lesson=lesson, block_id="fixed-time", token=token, now=DURING)
    assert row.method == "qr"


def test_signing_in_twice_keeps_the_first_row(lesson, enrolled):
    first = offline_block_sign_in(user=enrolled.user, lesson=lesson, block_id="fixed-time", code=code_for(lesson),
                                  now=DURING)
    later = DURING + 5 * MINUTE
    second = offline_block_sign_in(user=enrolled.user, lesson=lesson, block_id="fixed-time",
                                   code=code_for(lesson, now=later), now=later)
    assert second.pk == first.pk and OfflineAttendance.objects.count() == 1


# Who shows the code.


def test_a_cohort_tutor_and_an_admin_over_enrolled_teachers_organise(tree, course, lesson, enrolled):
    tutor = make_user("tutor")
    cohort = Cohort.objects.create(name="甲一县第一期", course=course, organisation=tree.county_a1)
    cohort.tutors.add(tutor)
    county = make_user("county_a1", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    other_school = make_user("admin_b1", role=Role.SCHOOL_ADMIN, organisation=tree.school_b1_1)
    assert user_can_organise_offline_block(user=tutor, lesson=lesson)
    assert user_can_organise_offline_block(user=county, lesson=lesson)
    assert not user_can_organise_offline_block(user=other_school, lesson=lesson)
    assert not user_can_organise_offline_block(user=enrolled.user, lesson=lesson)


def test_the_display_and_its_code_are_for_organisers_only(client, tree, course, lesson, enrolled):
    county = make_user("county_a1", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    client.force_login(county)
    response = client.get(reverse("courses:offline_display", args=[lesson.pk, "now"]))
    assert response.status_code == 200 and code_for(lesson, "now", timezone.now()) in response.content.decode()
    client.force_login(enrolled.user)
    assert client.get(reverse("courses:offline_display", args=[lesson.pk, "now"])).status_code == 403
    assert client.get(reverse("courses:offline_code", args=[lesson.pk, "now"])).status_code == 403


def test_the_lesson_form_signs_in_and_returns_to_the_lesson(client, lesson, enrolled):
    client.force_login(enrolled.user)
    response = client.post(reverse("courses:offline_sign_in", args=[lesson.pk, "now"]),
                           {"code": code_for(lesson, "now", timezone.now()), "next": "/learn/"})
    assert response.status_code == 302 and response.url == "/learn/"
    assert OfflineAttendance.objects.filter(block_id="now").exists()


def test_the_lesson_form_refuses_a_wrong_code_with_a_message(client, lesson, enrolled):
    client.force_login(enrolled.user)
    right = code_for(lesson, "now", timezone.now())
    response = client.post(reverse("courses:offline_sign_in", args=[lesson.pk, "now"]),
                           {"code": "000000" if right != "000000" else "111111", "next": "https://evil.example/"},
                           follow=False)
    assert response.status_code == 302 and "evil.example" not in response.url
    assert not OfflineAttendance.objects.exists()


def test_scanning_a_blocks_qr_signs_in(client, lesson, enrolled):
    client.force_login(enrolled.user)
    token = offline_token(lesson_id=lesson.pk, block_id="now")
    assert client.get(reverse("courses:sign_in_qr", args=[token])).status_code == 302
    assert OfflineAttendance.objects.get().method == "qr"


def test_signing_in_completes_a_lesson_whose_only_requirement_is_the_session(tree):
    from courses.models import EnrolmentStatus, HoursEntry, LessonProgress, ProgressStatus

    course = make_course(institution=tree.institution, title="集中面授", delivery_mode="offline",
                         lessons=[LessonSpec(title="面授", body=[offline_block(starts_at=START, ends_at=END, block_id="b")])])
    lesson = LessonPage.objects.descendant_of(course).get(title="面授")
    teacher = make_teacher(school=tree.school_a1_1, real_name="王芳")
    enrolment = Enrolment.objects.create(teacher=teacher, course=course, enrolled_at=timezone.now())
    offline_block_sign_in(user=teacher.user, lesson=lesson, block_id="b", code=code_for(lesson, "b"), now=DURING)
    assert LessonProgress.objects.get(enrolment=enrolment, lesson=lesson).status == ProgressStatus.DONE
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED
    assert HoursEntry.objects.filter(teacher=teacher).count() == 1
