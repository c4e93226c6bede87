"""The enrol and withdraw endpoints: POST only, back to the course page with a message."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from courses.models import Enrolment, EnrolmentStatus
from courses.services import enrolment_self
from tests.courses.catalog_factories import make_course
from tests.factories import make_teacher

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(tree):
    return make_teacher(school=tree.school_a1_1, real_name="王老师")


def said(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_enrolling_returns_to_the_course_page_with_a_success_message(tree, teacher, client):
    course = make_course(institution=tree.institution, title="技术支持的课堂讲授")
    client.force_login(teacher.user)
    response = client.post(reverse("courses:enrol", args=[course.pk]))
    assert response.status_code == 302 and response.url == course.url
    assert "您已成功报名“技术支持的课堂讲授”" in said(response)
    assert Enrolment.objects.get().teacher == teacher


def test_a_refused_enrolment_shows_why_and_writes_nothing(tree, teacher, client):
    course = make_course(institution=tree.institution, seats=1)
    enrolment_self(user=make_teacher(school=tree.school_a1_2, real_name="先到老师").user, course=course)
    client.force_login(teacher.user)
    response = client.post(reverse("courses:enrol", args=[course.pk]))
    assert response.status_code == 302 and "名额已满" in said(response)
    assert not Enrolment.objects.filter(teacher=teacher).exists()


def test_enrolling_needs_a_post(tree, teacher, client):
    course = make_course(institution=tree.institution)
    client.force_login(teacher.user)
    assert client.get(reverse("courses:enrol", args=[course.pk])).status_code == 405
    assert not Enrolment.objects.exists()


def test_an_anonymous_visitor_is_sent_to_log_in(tree, client):
    course = make_course(institution=tree.institution)
    response = client.post(reverse("courses:enrol", args=[course.pk]))
    assert response.status_code == 302 and "login" in response.url
    assert not Enrolment.objects.exists()


def test_enrolling_goes_back_to_a_local_page_but_never_off_site(tree, teacher, client):
    course = make_course(institution=tree.institution)
    client.force_login(teacher.user)
    local = client.post(reverse("courses:enrol", args=[course.pk]), {"next": "/me/courses/"})
    assert local.url == "/me/courses/"
    withdraw_url = reverse("courses:withdraw", args=[course.pk])
    off_site = client.post(withdraw_url, {"confirm": "1", "next": "https://evil.example.com/"})
    assert off_site.url == course.url


def test_withdrawal_asks_first(tree, teacher, client):
    course = make_course(institution=tree.institution)
    enrolment_self(user=teacher.user, course=course)
    client.force_login(teacher.user)
    asked = client.get(reverse("courses:withdraw", args=[course.pk]))
    assert asked.status_code == 200 and "退选后名额将让给其他教师" in asked.content.decode()
    unconfirmed = client.post(reverse("courses:withdraw", args=[course.pk]))
    assert unconfirmed.status_code == 200
    assert Enrolment.objects.get().status == EnrolmentStatus.ACTIVE


def test_a_confirmed_withdrawal_withdraws(tree, teacher, client):
    course = make_course(institution=tree.institution, title="技术支持的课堂讲授")
    enrolment_self(user=teacher.user, course=course)
    client.force_login(teacher.user)
    response = client.post(reverse("courses:withdraw", args=[course.pk]), {"confirm": "1"})
    assert response.status_code == 302 and "您已退选“技术支持的课堂讲授”" in said(response)
    assert Enrolment.objects.get().status == EnrolmentStatus.WITHDRAWN


def test_withdrawing_from_a_course_not_taken_shows_why(tree, teacher, client):
    course = make_course(institution=tree.institution)
    client.force_login(teacher.user)
    response = client.post(reverse("courses:withdraw", args=[course.pk]), {"confirm": "1"})
    assert "您未报名该课程" in said(response)
    assert not Enrolment.objects.exists()
