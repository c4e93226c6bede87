"""Cohort pages: administrators manage, personnel officers read, everyone else gets the 403 page."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from courses.models import Cohort, Enrolment, EnrolmentStatus
from courses.services import cohort_create, cohort_enrol_school
from lms.models import AccessLog
from tests.courses.catalog_factories import make_course
from tests.factories import Role, make_teacher, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_admin(tree):
    return make_user("county_a1", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)


@pytest.fixture
def course(tree):
    return make_course(institution=tree.institution, title="技术支持的课堂讲授", code="KC90001")


@pytest.fixture
def teachers(tree):
    return [make_teacher(school=tree.school_a1_1, real_name=name) for name in ("赵老师", "钱老师")]


@pytest.fixture
def cohort(tree, county_admin, course):
    return cohort_create(actor=county_admin, course=course, organisation=tree.county_a1, name="甲一县培训班")


def said(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def detail(cohort) -> str:
    return reverse("courses:cohort", args=[cohort.pk])


def test_the_list_shows_the_cohorts_of_the_jurisdiction(tree, county_admin, cohort, client):
    client.force_login(county_admin)
    page = client.get(reverse("courses:cohorts"))
    body = page.content.decode()
    assert page.status_code == 200 and "甲一县培训班" in body and "新建培训班" in body


def test_a_teacher_gets_the_403_page(tree, teachers, client):
    client.force_login(teachers[0].user)
    response = client.get(reverse("courses:cohorts"))
    assert response.status_code == 403 and "拒绝访问" in response.content.decode()


def test_another_countys_admin_gets_403_and_changes_nothing(tree, cohort, teachers, client):
    client.force_login(make_user("county_b1", role=Role.COUNTY_ADMIN, organisation=tree.county_b1))
    assert "甲一县培训班" not in client.get(reverse("courses:cohorts")).content.decode()
    assert client.get(detail(cohort)).status_code == 403
    school = client.post(reverse("courses:cohort_add_school", args=[cohort.pk]), {"school": tree.school_a1_1.code})
    assert school.status_code == 403
    chosen = client.post(reverse("courses:cohort_add_teachers", args=[cohort.pk]), {"teacher": [teachers[0].pk]})
    assert chosen.status_code == 403
    assert not Enrolment.objects.exists()


def test_an_admin_creates_a_cohort(tree, county_admin, course, client):
    tutor = make_user("tutor_a1", role=Role.REVIEWER, organisation=tree.county_a1)
    client.force_login(county_admin)
    response = client.post(reverse("courses:cohort_new"), {
        "name": "甲一县整校推进培训班", "course": course.code, "organisation": tree.school_a1_1.code,
        "starts_on": "2025-03-01", "ends_on": "2025-06-30", "tutors": ["tutor_a1"],
    })
    cohort = Cohort.objects.get()
    assert response.status_code == 302 and response.url == detail(cohort)
    assert (cohort.name, cohort.course_id, cohort.organisation) == ("甲一县整校推进培训班", course.pk, tree.school_a1_1)
    assert list(cohort.tutors.all()) == [tutor]


def test_the_choosers_offer_published_courses_and_the_jurisdiction_only(tree, county_admin, course, client):
    draft = make_course(institution=tree.institution, title="尚未审核的课程", publish=False)
    make_user("tutor_b1", role=Role.REVIEWER, organisation=tree.county_b1)
    client.force_login(county_admin)
    form = client.get(reverse("courses:cohort_new")).context["form"]
    assert list(form.fields["course"].queryset) == [course] and draft not in form.fields["course"].queryset
    organisations = set(form.fields["organisation"].queryset)
    assert tree.county_a1 in organisations and tree.school_a1_2 in organisations
    assert tree.county_b1 not in organisations and tree.school_b1_1 not in organisations
    assert [u.username for u in form.fields["tutors"].queryset] == ["county_a1"]


def test_a_cohort_in_another_county_cannot_be_created(tree, county_admin, course, client):
    client.force_login(county_admin)
    response = client.post(reverse("courses:cohort_new"), {
        "name": "越权培训班", "course": course.code, "organisation": tree.county_b1.code,
    })
    assert response.status_code == 400 and "organisation" in response.context["form"].errors
    assert not Cohort.objects.exists()


def test_a_personnel_officer_reads_but_cannot_change(tree, cohort, teachers, client):
    officer = make_user("personnel", role=Role.PERSONNEL_OFFICER, organisation=tree.city_a)
    client.force_login(officer)
    listing = client.get(reverse("courses:cohorts")).content.decode()
    assert "甲一县培训班" in listing and "新建培训班" not in listing
    page = client.get(detail(cohort))
    assert page.status_code == 200 and not page.context["can_manage"] and "整校报名" not in page.content.decode()
    assert client.get(reverse("courses:cohort_new")).status_code == 403
    school = client.post(reverse("courses:cohort_add_school", args=[cohort.pk]), {"school": tree.school_a1_1.code})
    assert school.status_code == 403
    assert not Enrolment.objects.exists()


def test_enrolling_a_whole_school_from_the_page(tree, county_admin, cohort, teachers, client):
    client.force_login(county_admin)
    response = client.post(reverse("courses:cohort_add_school", args=[cohort.pk]), {"school": tree.school_a1_1.code})
    assert response.status_code == 302 and "已报名 2 名教师" in said(response)
    page = client.get(detail(cohort))
    body = page.content.decode()
    assert "赵老师" in body and "钱老师" in body and "0 / 2" in body
    assert page.context["counts"]["active"] == 2
    assert AccessLog.objects.filter(action="list", object_count=2).exists()


def test_enrolling_the_school_again_reports_who_was_already_enrolled(tree, county_admin, cohort, teachers, client):
    cohort_enrol_school(actor=county_admin, cohort=cohort, school=tree.school_a1_1)
    client.force_login(county_admin)
    response = client.post(reverse("courses:cohort_add_school", args=[cohort.pk]), {"school": tree.school_a1_1.code})
    assert "2 名教师已报名该课程，保持不变" in said(response)
    assert Enrolment.objects.count() == 2


def test_searching_and_adding_chosen_teachers(tree, county_admin, cohort, teachers, client):
    make_teacher(school=tree.school_b1_1, real_name="赵外县")
    client.force_login(county_admin)
    found = client.get(detail(cohort), {"q": "赵"})
    assert [row["teacher"].real_name for row in found.context["results"]] == ["赵老师"]
    response = client.post(reverse("courses:cohort_add_teachers", args=[cohort.pk]), {"teacher": [teachers[0].pk]})
    assert "已报名 1 名教师" in said(response)
    assert list(Enrolment.objects.values_list("teacher_id", flat=True)) == [teachers[0].pk]


def test_a_forged_teacher_outside_the_jurisdiction_is_refused(tree, county_admin, cohort, teachers, client):
    outsider = make_teacher(school=tree.school_b1_1, real_name="乙县老师")
    client.force_login(county_admin)
    response = client.post(
        reverse("courses:cohort_add_teachers", args=[cohort.pk]), {"teacher": [teachers[0].pk, outsider.pk]}
    )
    assert "1 名不是您管辖范围内" in said(response)
    assert not Enrolment.objects.exists()


def test_removing_a_member_from_the_page(tree, county_admin, cohort, teachers, client):
    cohort_enrol_school(actor=county_admin, cohort=cohort, school=tree.school_a1_1)
    member = Enrolment.objects.get(teacher=teachers[0])
    client.force_login(county_admin)
    response = client.post(reverse("courses:cohort_remove", args=[cohort.pk, member.pk]))
    assert "赵老师 已移出培训班" in said(response)
    assert Enrolment.objects.get(pk=member.pk).status == EnrolmentStatus.WITHDRAWN


def test_setting_tutors_from_the_page(tree, county_admin, cohort, client):
    tutor = make_user("tutor_a1", role=Role.REVIEWER, organisation=tree.school_a1_1)
    make_user("tutor_b1", role=Role.REVIEWER, organisation=tree.county_b1)
    client.force_login(county_admin)
    client.post(reverse("courses:cohort_tutors", args=[cohort.pk]), {"tutors": ["tutor_a1"]})
    assert list(cohort.tutors.all()) == [tutor]
    refused = client.post(reverse("courses:cohort_tutors", args=[cohort.pk]), {"tutors": ["tutor_b1"]})
    assert said(refused) and list(cohort.tutors.all()) == [tutor]


def test_a_tutor_sees_the_cohort_they_tutor(tree, county_admin, cohort, teachers, client):
    tutor = make_user("tutor_a1", role=Role.REVIEWER, organisation=tree.school_a1_1)
    cohort.tutors.add(tutor)
    cohort_enrol_school(actor=county_admin, cohort=cohort, school=tree.school_a1_1)
    client.force_login(tutor)
    page = client.get(detail(cohort))
    assert page.status_code == 200 and "赵老师" in page.content.decode() and not page.context["can_manage"]
    assert client.post(reverse("courses:cohort_tutors", args=[cohort.pk]), {"tutors": []}).status_code == 403
