"""The annual review pages: an administrator starts a run for a region they administer and follows it;
another county's administrator can neither see nor start runs outside their jurisdiction."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from certification.annual.run import annual_review_start
from certification.models import AnnualReviewOutcome, AnnualReviewRun
from lms.api import Role
from tests.certification.test_annual_run import YEAR, holder
from tests.certification_setup import cert_world
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree):
    return cert_world(tree)


@pytest.fixture
def a1_admin(tree):
    return make_user("a1_admin", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)


@pytest.fixture
def b1_admin(tree):
    return make_user("b1_admin", role=Role.COUNTY_ADMIN, organisation=tree.county_b1)


def test_county_admin_starts_a_run_and_sees_its_outcomes(client, tree, world, a1_admin, django_capture_on_commit_callbacks):
    holder(world, tree.school_a1_1, "甲老师", grade="qualified")
    holder(world, tree.school_a1_2, "乙老师", grade="basic")
    client.force_login(a1_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("certification:annual_runs"), {"year": YEAR, "region": tree.county_a1.pk})
    run = AnnualReviewRun.objects.get(parent__isnull=True)
    assert response.status_code == 302 and response.url == reverse("certification:annual_run", args=[run.pk])
    page = client.get(response.url).content.decode()
    assert "甲老师" in page and "乙老师" in page and "年度考核基本合格" in page
    warned = client.get(response.url, {"outcome": "warned"}).content.decode()
    assert "乙老师" in warned and "甲老师" not in warned
    listing = client.get(reverse("certification:annual_runs")).content.decode()
    assert f'data-run="{run.pk}"' in listing
    english = client.get(response.url, headers={"accept-language": "en"}).content.decode()
    assert "Appraisal: basically qualified" in english


def test_other_county_admin_cannot_see_or_start_runs_outside_their_county(client, tree, world, a1_admin, b1_admin,
                                                                          django_capture_on_commit_callbacks):
    holder(world, tree.school_a1_1, "甲老师", grade="qualified")
    with django_capture_on_commit_callbacks(execute=True):
        run = annual_review_start(year=YEAR, region=tree.county_a1, by=a1_admin)
    client.force_login(b1_admin)
    assert client.get(reverse("certification:annual_run", args=[run.pk])).status_code == 404
    listing = client.get(reverse("certification:annual_runs")).content.decode()
    assert f'data-run="{run.pk}"' not in listing
    for region in (tree.county_a1, tree.province):
        response = client.post(reverse("certification:annual_runs"), {"year": YEAR, "region": region.pk})
        assert response.status_code == 400
    assert AnnualReviewRun.objects.filter(parent__isnull=True).count() == 1
    with pytest.raises(PermissionDenied):
        annual_review_start(year=YEAR, region=tree.province, by=b1_admin)


def test_province_run_page_shows_only_what_a_city_admin_administers(client, tree, world, django_capture_on_commit_callbacks):
    holder(world, tree.school_a1_1, "甲市老师", grade="qualified")
    holder(world, tree.school_b1_1, "乙市老师", grade="qualified")
    with django_capture_on_commit_callbacks(execute=True):
        run = annual_review_start(year=YEAR, region=tree.city_a, by=None)
    assert AnnualReviewOutcome.objects.count() == 1
    city_admin = make_user("city_a_admin", role=Role.CITY_ADMIN, organisation=tree.city_a)
    client.force_login(city_admin)
    page = client.get(reverse("certification:annual_run", args=[run.pk])).content.decode()
    assert "甲市老师" in page and "乙市老师" not in page
    child = run.children.get(region=tree.county_a1)
    county_admin = make_user("a1", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    client.force_login(county_admin)
    assert client.get(reverse("certification:annual_run", args=[run.pk])).status_code == 404  # the city's run
    assert client.get(reverse("certification:annual_run", args=[child.pk])).status_code == 200  # their county's part


def test_bad_year_is_refused_with_a_message(client, tree, a1_admin):
    client.force_login(a1_admin)
    response = client.post(reverse("certification:annual_runs"), {"year": 1990, "region": tree.county_a1.pk})
    assert response.status_code == 400 and not AnnualReviewRun.objects.exists()


def test_teachers_cannot_open_the_review_pages(client, tree):
    client.force_login(make_user("teacher_only"))
    assert client.get(reverse("certification:annual_runs")).status_code == 403


def test_run_pages_show_superseded_decisions_and_an_unchanged_rerun(client, tree, world, a1_admin,
                                                                    django_capture_on_commit_callbacks):
    from certification.models import AppraisalRecord

    certificate = holder(world, tree.school_a1_1, "更正老师", grade="unqualified")
    with django_capture_on_commit_callbacks(execute=True):
        first = annual_review_start(year=YEAR, region=tree.county_a1, by=a1_admin)
    AppraisalRecord.objects.create(teacher=certificate.teacher, year=YEAR, grade="qualified")
    with django_capture_on_commit_callbacks(execute=True):
        second = annual_review_start(year=YEAR, region=tree.county_a1, by=a1_admin)
    with django_capture_on_commit_callbacks(execute=True):
        third = annual_review_start(year=YEAR, region=tree.county_a1, by=a1_admin)
    client.force_login(a1_admin)
    first_page = client.get(reverse("certification:annual_run", args=[first.pk])).content.decode()
    assert "更正老师" in first_page and "已被取代" in first_page
    second_page = client.get(reverse("certification:annual_run", args=[second.pk])).content.decode()
    assert "更正老师" in second_page and "已被取代" not in second_page
    third_page = client.get(reverse("certification:annual_run", args=[third.pk])).content.decode()
    assert "本次审核未改变任何结论" in third_page
