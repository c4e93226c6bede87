"""The catalog page (/courses/): published courses, filters, Chinese search, pagination, bad filter values."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.api import competencies_current, framework_2_0_core_ensure
from courses.models import CoursePage, Enrolment
from courses.selectors import CatalogFilters, catalog_courses_load, catalog_search
from lms.api import OrganisationKind
from lms.services import organisation_create
from tests.courses.catalog_factories import make_course
from tests.factories import make_teacher

pytestmark = pytest.mark.django_db

CATALOG = "/courses/"


def _codes(response) -> list[str]:
    """Course codes of the result cards, in order."""
    return re.findall(r'<article class="course-card" data-code="([^"]+)"', response.content.decode())


def _point(code: str):
    framework_2_0_core_ensure()
    return competencies_current().get(code=code)


def test_catalog_lists_published_filed_courses_only(client, tree):
    make_course(institution=tree.institution, code="PUB01")
    # course_create(publish=False) leaves the page live (Page.live defaults to True): unpublish it as an editor would
    make_course(institution=tree.institution, code="DRAFT1", publish=False).unpublish()
    make_course(institution=tree.institution, code="UNFILED", file_hours=False)

    response = client.get(CATALOG)

    assert response.status_code == 200
    assert _codes(response) == ["PUB01"]
    assert "共 1 门课程" in response.content.decode()


def test_search_finds_a_chinese_substring_of_the_title(client, tree):
    make_course(institution=tree.institution, title="技术支持的课堂讲授", code="KT01")
    make_course(institution=tree.institution, title="数据可视化呈现与解读", code="SJ01")

    response = client.get(CATALOG, {"q": "课堂"})

    assert _codes(response) == ["KT01"]


def test_search_matches_summary_and_code_and_needs_every_word(client, tree):
    CoursePage.objects.filter(pk=make_course(institution=tree.institution, title="微课设计", code="WK-2024-01").pk).update(
        summary="面向小学数学教师的微课制作"
    )
    CoursePage.objects.filter(pk=make_course(institution=tree.institution, title="演示文稿设计", code="YS01").pk).update(
        summary="初中语文的演示文稿"
    )

    assert _codes(client.get(CATALOG, {"q": "小学数学"})) == ["WK-2024-01"]
    assert _codes(client.get(CATALOG, {"q": "wk-2024"})) == ["WK-2024-01"]
    assert _codes(client.get(CATALOG, {"q": "设计 语文"})) == ["YS01"]


def test_stage_filter_matches_a_whole_code_in_the_audience_list(client, tree):
    make_course(institution=tree.institution, code="JUN", audience_stages=["junior", "primary"])
    make_course(institution=tree.institution, code="SEN", audience_stages=["senior"])
    make_course(institution=tree.institution, code="ALL", audience_stages=[])

    assert _codes(client.get(CATALOG, {"stage": "junior"})) == ["JUN"]
    assert _codes(client.get(CATALOG, {"stage": "senior"})) == ["SEN"]


def test_subject_filter_narrows_to_the_subject(client, tree):
    make_course(institution=tree.institution, code="MATH", audience_subjects=["maths"])
    make_course(institution=tree.institution, code="CHN", audience_subjects=["chinese", "english"])

    assert _codes(client.get(CATALOG, {"subject": "english"})) == ["CHN"]


def test_stage_and_subject_filters_combine(client, tree):
    make_course(institution=tree.institution, code="PM", audience_stages=["primary"], audience_subjects=["maths"])
    make_course(institution=tree.institution, code="PC", audience_stages=["primary"], audience_subjects=["chinese"])
    make_course(institution=tree.institution, code="JM", audience_stages=["junior"], audience_subjects=["maths"])

    assert _codes(client.get(CATALOG, {"stage": "primary", "subject": "maths"})) == ["PM"]


def test_delivery_mode_filter(client, tree):
    make_course(institution=tree.institution, code="ON", delivery_mode="online")
    make_course(institution=tree.institution, code="SB", delivery_mode="school_based")

    assert _codes(client.get(CATALOG, {"mode": "school_based"})) == ["SB"]


def test_capability_point_filter(client, tree):
    a6 = _point("A6")
    with_point = make_course(institution=tree.institution, code="A6C")
    with_point.capability_points.set([a6, _point("A5")])
    with_point.save_revision().publish()
    other = make_course(institution=tree.institution, code="B6C")
    other.capability_points.set([_point("B6")])
    other.save_revision().publish()

    response = client.get(CATALOG, {"point": "A6"})

    assert _codes(response) == ["A6C"]
    assert '<li class="point" title="技术支持的课堂讲授">A6</li>' in response.content.decode()


def test_provider_filter_lists_only_institutions_with_published_courses(client, tree):
    other = organisation_create(parent=tree.province, kind=OrganisationKind.INSTITUTION, code="JG0002", name="第二培训机构")
    organisation_create(parent=tree.province, kind=OrganisationKind.INSTITUTION, code="JG0003", name="尚无课程的机构")
    make_course(institution=tree.institution, code="FIRST")
    make_course(institution=other, code="SECOND")

    response = client.get(CATALOG, {"provider": str(other.pk)})

    assert _codes(response) == ["SECOND"]
    assert "第二培训机构" in response.content.decode()
    assert "尚无课程的机构" not in response.content.decode()


def test_hours_buckets_and_bounds_use_the_filed_total(client, tree):
    make_course(institution=tree.institution, code="H10", proposed_hours_online=Decimal(10))
    make_course(institution=tree.institution, code="H24", proposed_hours_online=Decimal(20),
                proposed_hours_school_based=Decimal(4))
    make_course(institution=tree.institution, code="H72", proposed_hours_online=Decimal(72))

    assert _codes(client.get(CATALOG, {"hours": "le10"})) == ["H10"]
    assert _codes(client.get(CATALOG, {"hours": "10-30"})) == ["H24"]
    assert _codes(client.get(CATALOG, {"hours": "gt60"})) == ["H72"]
    assert sorted(_codes(client.get(CATALOG, {"hours_min": "10", "hours_max": "24"}))) == ["H10", "H24"]


def test_open_now_leaves_out_closed_not_yet_open_and_full_courses(client, tree):
    now = timezone.now()
    make_course(institution=tree.institution, code="OPEN", enrol_closes_at=now + dt.timedelta(days=3), seats=5)
    make_course(institution=tree.institution, code="LATER", enrol_opens_at=now + dt.timedelta(days=3))
    make_course(institution=tree.institution, code="OVER", enrol_closes_at=now - dt.timedelta(days=1))
    full = make_course(institution=tree.institution, code="FULL", seats=1)
    Enrolment.objects.create(teacher=make_teacher(school=tree.school_a1_1), course=full, enrolled_at=now)

    assert _codes(client.get(CATALOG, {"open": "1"})) == ["OPEN"]
    assert len(_codes(client.get(CATALOG))) == 4


def test_open_now_counts_only_seat_taking_self_enrolments(client, tree):
    from courses.models import Cohort, EnrolmentStatus

    now = timezone.now()
    course = make_course(institution=tree.institution, code="ONESEAT", seats=1)
    cohort = Cohort.objects.create(name="整校推进一班", course=course, organisation=tree.school_a1_1)
    Enrolment.objects.create(teacher=make_teacher(school=tree.school_a1_1), course=course, cohort=cohort, enrolled_at=now)
    Enrolment.objects.create(teacher=make_teacher(school=tree.school_a1_1), course=course, enrolled_at=now,
                             status=EnrolmentStatus.WITHDRAWN)
    make_course(institution=tree.institution, code="NOSEATS", seats=0)

    assert _codes(client.get(CATALOG, {"open": "1"})) == ["ONESEAT"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"stage": "university"}, "未知的学段"),
        ({"subject": "alchemy"}, "未知的学科"),
        ({"mode": "teleport"}, "未知的授课方式"),
        ({"point": "Z99"}, "未知的能力点"),
        ({"provider": "abc"}, "没有与"),
        ({"hours": "lots"}, "未知的学时范围"),
        ({"hours_min": "ten"}, "学时须为"),
        ({"hours_max": "-5"}, "学时须为"),
        ({"hours_min": "30", "hours_max": "10"}, "最低学时高于最高学时"),
        ({"sort": "random"}, "未知的排序方式"),
        ({"q": "课" * 101}, "最多 100 个字"),
    ],
)
def test_a_bad_filter_value_gives_a_message_and_the_list_unfiltered_by_it(client, tree, params, message):
    make_course(institution=tree.institution, code="ONE", audience_stages=["primary"])
    make_course(institution=tree.institution, code="TWO")

    response = client.get(CATALOG, params)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert sorted(_codes(response)) == ["ONE", "TWO"]


def test_a_bad_filter_does_not_drop_the_good_ones(client, tree):
    make_course(institution=tree.institution, code="PRI", audience_stages=["primary"])
    make_course(institution=tree.institution, code="JUN", audience_stages=["junior"])

    response = client.get(CATALOG, {"stage": "primary", "hours_min": "x"})

    assert "学时须为" in response.content.decode()
    assert _codes(response) == ["PRI"]


def test_pagination_keeps_the_filters_in_its_links(client, tree):
    for n in range(21):
        make_course(institution=tree.institution, code=f"P{n:02d}", audience_stages=["primary"])
    make_course(institution=tree.institution, code="JUNIOR", audience_stages=["junior"])

    first = client.get(CATALOG, {"stage": "primary", "q": "课堂"})
    html = first.content.decode()

    assert len(_codes(first)) == 20
    assert "共 21 门课程" in html
    assert 'href="?q=%E8%AF%BE%E5%A0%82&amp;stage=primary&amp;page=2"' in html
    second = client.get(CATALOG, {"stage": "primary", "q": "课堂", "page": "2"})
    assert len(_codes(second)) == 1
    assert "JUNIOR" not in _codes(second)


def test_a_page_number_past_the_end_shows_the_last_page(client, tree):
    make_course(institution=tree.institution, code="ONLY")

    response = client.get(CATALOG, {"page": "99"})

    assert response.status_code == 200
    assert _codes(response) == ["ONLY"]


def test_sort_by_hours_and_title(client, tree):
    make_course(institution=tree.institution, title="乙课程", code="B20", proposed_hours_online=Decimal(20))
    make_course(institution=tree.institution, title="甲课程", code="A5", proposed_hours_online=Decimal(5))
    make_course(institution=tree.institution, title="丙课程", code="C40", proposed_hours_online=Decimal(40))

    assert _codes(client.get(CATALOG, {"sort": "hours_desc"})) == ["C40", "B20", "A5"]
    assert _codes(client.get(CATALOG, {"sort": "hours_asc"})) == ["A5", "B20", "C40"]
    assert _codes(client.get(CATALOG)) == ["C40", "A5", "B20"]  # newest first


def test_cards_show_provider_hours_labels_and_seats(client, tree):
    make_course(institution=tree.institution, code="CARD", audience_stages=["primary"], audience_subjects=["maths"],
                seats=30, proposed_hours_online=Decimal("12.5"))

    html = client.get(CATALOG).content.decode()

    for text in ("示范教师培训中心", "12.5", "小学", "数学", "剩余 30 个名额", "报名中", "线上"):
        assert text in html


def test_catalog_search_without_filters_is_exactly_courses_published(tree):
    from courses.selectors import courses_published

    make_course(institution=tree.institution, code="LIVE")
    make_course(institution=tree.institution, code="DRAFTED", publish=False).unpublish()
    make_course(institution=tree.institution, code="NOHOURS", file_hours=False)

    assert set(catalog_search(filters=CatalogFilters())) == set(courses_published())


def test_catalog_search_selector_on_its_own(tree):
    make_course(institution=tree.institution, title="技术支持的课堂讲授", code="SEL1", audience_stages=["primary"])
    make_course(institution=tree.institution, title="技术支持的课堂导入", code="SEL2", audience_stages=["junior"])

    found = catalog_search(filters=CatalogFilters(words=("课堂",), stage="primary"))

    assert [c.code for c in catalog_courses_load(ids=list(found.values_list("pk", flat=True)))] == ["SEL1"]


def test_catalog_page_runs_a_fixed_number_of_queries(client, tree, django_assert_max_num_queries):
    framework_2_0_core_ensure()
    for n in range(5):
        course = make_course(institution=tree.institution, code=f"Q{n}", seats=10)
        course.capability_points.set([_point("A6")])
        course.save_revision().publish()
    client.get(CATALOG)  # warm caches (site root paths, content types)

    with django_assert_max_num_queries(20):
        client.get(CATALOG)
