"""The course page: facts (hours by kind, audience, capability points, window, seats, prerequisites),
the outline, and the enrolment panel a visitor, a teacher or an enrolled teacher sees."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.api import competencies_current, framework_2_0_core_ensure
from courses.models import Enrolment, EnrolmentStatus, LessonPage
from tests.courses.catalog_factories import make_course
from tests.factories import make_teacher, make_user

pytestmark = pytest.mark.django_db


def _html(client, course) -> str:
    response = client.get(course.url)
    assert response.status_code == 200
    return response.content.decode()


def _enrol(teacher, course, *, status=EnrolmentStatus.ACTIVE) -> Enrolment:
    return Enrolment.objects.create(teacher=teacher, course=course, status=status, enrolled_at=timezone.now())


@pytest.fixture
def teacher(tree):
    return make_teacher(school=tree.school_a1_1)


def test_shows_code_provider_summary_and_filed_hours_by_kind(client, tree):
    course = make_course(
        institution=tree.institution, code="KC-HOURS", proposed_hours_online=Decimal(8),
        proposed_hours_centralised=Decimal(4), proposed_hours_school_based=Decimal("2.5"),
    )

    html = _html(client, course)

    assert "KC-HOURS" in html and "示范教师培训中心" in html and "技术支持的课堂讲授：课程简介" in html
    assert "<dt>线上</dt><dd>8</dd>" in html
    assert "<dt>集中面授</dt><dd>4</dd>" in html
    assert "<dt>校本研修</dt><dd>2.5</dd>" in html
    assert '<dd class="total">14.5</dd>' in html


def test_a_course_without_filed_hours_says_awaiting_filing_and_offers_no_enrolment(client, tree, teacher):
    course = make_course(institution=tree.institution, file_hours=False)
    client.force_login(teacher.user)

    html = _html(client, course)

    assert "待备案" in html
    assert "本课程正在等待教育局审核备案" in html
    assert 'class="enrol-form"' not in html


def test_shows_audience_as_translated_labels(client, tree):
    course = make_course(institution=tree.institution, audience_stages=["primary", "junior"], audience_subjects=["maths"])

    html = _html(client, course)

    assert '<span class="tag tag-stage">小学</span>' in html
    assert '<span class="tag tag-stage">初中</span>' in html
    assert '<span class="tag tag-subject">数学</span>' in html


def test_shows_capability_points_with_code_and_name(client, tree):
    framework_2_0_core_ensure()
    course = make_course(institution=tree.institution)
    course.capability_points.set(competencies_current().filter(code__in=["A6", "B6"]))
    course.save_revision().publish()

    html = _html(client, course)

    assert '<span class="point">A6</span> 技术支持的课堂讲授' in html
    assert '<span class="point">B6</span> 技术支持的展示交流' in html


def test_shows_the_window_and_seats_left(client, tree, teacher):
    closes = timezone.now() + dt.timedelta(days=10)
    course = make_course(institution=tree.institution, seats=30, enrol_closes_at=closes)
    _enrol(teacher, course)

    html = _html(client, course)

    assert '<dd id="seats-left">29 / 30</dd>' in html
    assert "报名中" in html
    assert str(timezone.localtime(closes).year) + "年" in html


def test_unlimited_seats_say_no_limit(client, tree):
    html = _html(client, make_course(institution=tree.institution))

    assert '<dd id="seats-left">不限</dd>' in html


def test_prerequisites_link_to_their_course_pages(client, tree, teacher):
    basics = make_course(institution=tree.institution, title="信息技术基础", code="BASIC")
    course = make_course(institution=tree.institution, title="技术支持的课堂讲授", code="ADV")
    course.prerequisites.set([basics])
    course.save_revision().publish()
    _enrol(teacher, basics, status=EnrolmentStatus.COMPLETED)
    client.force_login(teacher.user)

    html = _html(client, course)

    assert f'<a href="{basics.url}">信息技术基础</a>' in html
    assert '<span class="lesson-state done">已完成</span>' in html


def test_anonymous_visitor_gets_a_log_in_link_that_comes_back(client, tree):
    course = make_course(institution=tree.institution)

    html = _html(client, course)

    assert f'href="/accounts/login/?next={course.url}"' in html
    assert "登录后报名" in html
    assert 'class="enrol-form"' not in html


def test_teacher_not_enrolled_is_offered_enrolment(client, tree, teacher):
    course = make_course(institution=tree.institution)
    client.force_login(teacher.user)

    html = _html(client, course)

    enrol_url = reverse("courses:enrol", args=[course.pk])
    assert f'<form method="post" action="{enrol_url}" class="enrol-form">' in html
    assert "登录后报名" not in html


def test_teacher_sees_lesson_titles_but_no_lesson_links_before_enrolling(client, tree, teacher):
    course = make_course(institution=tree.institution)
    client.force_login(teacher.user)

    html = _html(client, course)

    assert "<span>观看示范课</span>" in html and "<span>阅读材料</span>" in html
    for lesson in LessonPage.objects.descendant_of(course):
        assert f'href="{lesson.url}"' not in html


def test_enrolled_teacher_sees_continue_withdraw_and_lesson_links(client, tree, teacher):
    course = make_course(institution=tree.institution)
    _enrol(teacher, course)
    client.force_login(teacher.user)

    html = _html(client, course)

    first = LessonPage.objects.descendant_of(course).order_by("path").first()
    assert "您已报名本课程" in html
    assert f'<a class="button button-block" href="{first.url}">继续学习</a>' in html
    assert f'<a href="{first.url}">观看示范课</a>' in html
    assert f'action="{reverse("courses:withdraw", args=[course.pk])}"' in html
    assert 'class="enrol-form"' not in html


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"enrol_opens_at": timezone.now() + dt.timedelta(days=5)}, "报名将于"),
        ({"enrol_closes_at": timezone.now() - dt.timedelta(days=1)}, "报名已于"),
    ],
)
def test_teacher_is_told_why_enrolment_is_not_possible(client, tree, teacher, fields, message):
    course = make_course(institution=tree.institution, **fields)
    client.force_login(teacher.user)

    html = _html(client, course)

    assert message in html
    assert 'class="enrol-form"' not in html


def test_teacher_is_told_when_seats_ran_out(client, tree, teacher):
    course = make_course(institution=tree.institution, seats=1)
    _enrol(make_teacher(school=tree.school_a1_2), course)
    client.force_login(teacher.user)

    html = _html(client, course)

    assert "名额已满，自主报名已结束" in html
    assert 'class="enrol-form"' not in html


def test_cohort_enrolments_do_not_take_seats(client, tree):
    from courses.models import Cohort

    course = make_course(institution=tree.institution, seats=2)
    cohort = Cohort.objects.create(name="整校推进一班", course=course, organisation=tree.school_a1_1)
    Enrolment.objects.create(teacher=make_teacher(school=tree.school_a1_1), course=course, cohort=cohort,
                             enrolled_at=timezone.now())

    assert '<dd id="seats-left">2 / 2</dd>' in _html(client, course)


def test_a_user_without_a_teacher_record_is_told_only_teachers_enrol(client, tree):
    course = make_course(institution=tree.institution)
    client.force_login(make_user("officer"))

    html = _html(client, course)

    assert "仅教师可报名" in html


def test_provider_page_lists_the_institutions_published_courses(client, tree):
    course = make_course(institution=tree.institution, title="技术支持的课堂讲授", code="PROV1")
    make_course(institution=tree.institution, code="PROV2", file_hours=False)

    response = client.get(course.get_parent().url)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-code="PROV1"' in html and 'data-code="PROV2"' not in html
    assert "已发布 1 门课程" in html


def test_teacher_missing_a_prerequisite_is_told_to_complete_it_first(client, tree, teacher):
    basics = make_course(institution=tree.institution, title="信息技术基础", code="BASIC2")
    course = make_course(institution=tree.institution, code="ADV2")
    course.prerequisites.set([basics])
    course.save_revision().publish()
    client.force_login(teacher.user)

    html = _html(client, course)

    assert "请先完成先修课程" in html
    assert '<span class="lesson-state">尚未完成</span>' in html
    assert 'class="enrol-form"' not in html


def test_the_enrol_form_enrols_and_the_page_then_offers_to_continue(client, tree, teacher):
    course = make_course(institution=tree.institution, seats=3)
    client.force_login(teacher.user)

    response = client.post(reverse("courses:enrol", args=[course.pk]), follow=True)

    html = response.content.decode()
    assert "您已报名本课程" in html
    assert '<dd id="seats-left">2 / 3</dd>' in html


def test_a_cohort_enrolment_offers_no_withdraw_button(client, tree, teacher):
    from courses.models import Cohort

    course = make_course(institution=tree.institution)
    cohort = Cohort.objects.create(name="甲一县整校推进培训班", course=course, organisation=tree.county_a1)
    Enrolment.objects.create(teacher=teacher, course=course, cohort=cohort, enrolled_at=timezone.now())
    client.force_login(teacher.user)
    html = _html(client, course)
    assert "您通过培训班“甲一县整校推进培训班”报名" in html
    assert 'class="withdraw-form"' not in html
