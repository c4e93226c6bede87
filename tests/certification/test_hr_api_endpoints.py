"""What each HR-API endpoint answers, inside the key's jurisdiction only: look-ups by ID number, name and
certificate number, a teacher's record, certificates, hours, eligibility, a certificate by number."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from certification.models import CertificateEvent, CertificateStatus, EventKind, TitleRuleSet
from lms.models import AccessLog
from tests.certification.hr_api_world import (  # noqa: F401
    _own_cache, api_get, api_world, assert_no_full_id, issue_key, last_api_log,
)
from tests.certification_setup import hours_give
from tests.factories import make_teacher

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree):
    return api_world(tree)


@pytest.fixture
def county_key(world):
    """A key of county a1 with every scope."""
    return issue_key(actor=world.a1_admin, organisation=world.tree.county_a1)[1]


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_me_describes_the_key(client, world, county_key):
    body = api_get(client, county_key, "/api/v1/me/").json()
    assert body["name"] == "甲一县人事系统" and body["contact"] == "人事科 张三"
    assert body["jurisdiction"] == {"code": "990101", "name": "甲一县"}
    assert body["jurisdiction_kind"]["code"] == "county"
    assert [s["code"] for s in body["scopes"]] == ["teachers:read", "certificates:read", "hours:read", "eligibility:read"]
    assert body["scopes"][0]["label"] == "教师查询"
    assert body["rate_per_minute"] == 1000


def test_lookup_by_id_number_finds_the_teacher_with_masked_id_and_level(client, world, county_key):
    response = api_get(client, county_key, "/api/v1/teachers/", {"id_number": world.id_a1.lower()})
    [row] = results(response)
    assert world.id_a1 not in response.content.decode()  # never the full number
    assert row["id"] == world.teacher_a1.pk and row["name"] == "李明华"
    assert row["id_number_masked"] == world.id_a1[:4] + "*" * 10 + world.id_a1[-4:]
    assert row["school"] == {"code": "9901010001", "name": "甲一县第一小学"}
    assert row["county"] == {"code": "990101", "name": "甲一县"}
    assert row["stage"] == {"code": "primary", "label": "小学"}
    assert row["subject"]["code"] == "maths" and row["title"]["code"] == "second"
    assert row["employment_status"]["code"] == "active" and row["gender"]["code"] in ("M", "F")
    level = row["certification_level"]
    assert level["code"] == "basic" and level["name"] == "初级" and level["certificate_number"] == world.certificate_a1.number
    entry = last_api_log()
    assert entry.teacher_id_ref == world.teacher_a1.pk and entry.subject == row["id_number_masked"]
    assert entry.action == "query" and entry.status_code == 200 and entry.object_count == 1


def test_another_countys_id_number_finds_nothing_exactly_like_an_unknown_one(client, world, county_key):
    from tests.factories import new_id_number

    other = api_get(client, county_key, "/api/v1/teachers/", {"id_number": world.id_b1})
    unknown = api_get(client, county_key, "/api/v1/teachers/", {"id_number": new_id_number()})
    assert other.status_code == unknown.status_code == 200
    assert other.json() == unknown.json() == {"count": 0, "next": None, "previous": None, "results": []}
    assert_no_full_id([world.id_b1])


def test_english_labels_on_request(client, world, county_key):
    response = api_get(client, county_key, "/api/v1/teachers/", {"id_number": world.id_a1}, HTTP_ACCEPT_LANGUAGE="en")
    [row] = results(response)
    assert row["stage"]["label"] == "Primary school" and row["title"]["label"] == "Second-grade teacher"


def test_name_search_is_scoped_and_paginated(client, world, county_key):
    make_teacher(school=world.tree.school_a1_2, real_name="李明亮")
    page1 = api_get(client, county_key, "/api/v1/teachers/", {"name": "李明", "page_size": 1})
    body = page1.json()
    assert body["count"] == 2 and len(body["results"]) == 1 and body["next"] and body["previous"] is None
    page2 = api_get(client, county_key, "/api/v1/teachers/", {"name": "李明", "page_size": 1, "page": 2}).json()
    assert {body["results"][0]["name"], page2["results"][0]["name"]} == {"李明华", "李明亮"}
    # 李晓红 (a2) and 李建国 (b1) are outside county a1.
    assert [r["name"] for r in results(api_get(client, county_key, "/api/v1/teachers/", {"name": "李晓红"}))] == []
    assert last_api_log().subject == "李晓红"


def test_lookup_by_certificate_number_only_inside_the_jurisdiction(client, world, county_key):
    [row] = results(api_get(client, county_key, "/api/v1/teachers/", {"certificate_number": world.certificate_a1.number}))
    assert row["id"] == world.teacher_a1.pk
    assert results(api_get(client, county_key, "/api/v1/teachers/", {"certificate_number": world.certificate_b1.number})) == []
    assert results(api_get(client, county_key, "/api/v1/teachers/", {"certificate_number": "990101202699999"})) == []


def test_keys_of_city_and_province_reach_their_subtrees(client, world):
    city_key = issue_key(actor=world.province_admin, organisation=world.tree.city_a)[1]
    province_key = issue_key(actor=world.province_admin, organisation=world.tree.province)[1]
    for key, ids, visible in (
        (city_key, (world.id_a1, world.id_a2, world.id_b1), (True, True, False)),
        (province_key, (world.id_a1, world.id_a2, world.id_b1), (True, True, True)),
    ):
        found = [bool(results(api_get(client, key, "/api/v1/teachers/", {"id_number": n}))) for n in ids]
        assert tuple(found) == visible
    assert api_get(client, city_key, f"/api/v1/teachers/{world.teacher_b1.pk}/").status_code == 403
    assert api_get(client, province_key, f"/api/v1/teachers/{world.teacher_b1.pk}/").status_code == 200


def test_teacher_detail_adds_certificates(client, world, county_key):
    world.certificate_a1.status = CertificateStatus.SUSPENDED
    world.certificate_a1.save()
    body = api_get(client, county_key, f"/api/v1/teachers/{world.teacher_a1.pk}/").json()
    assert body["name"] == "李明华" and body["title_conferred_on"] == "2015-09-01"
    assert body["certification_level"] is None  # suspended: no valid level
    [summary] = body["certificates"]
    assert summary["number"] == world.certificate_a1.number and summary["status"] == {"code": "suspended", "label": "暂停"}
    entry = last_api_log()
    assert entry.teacher_id_ref == world.teacher_a1.pk and entry.action == "query" and entry.channel == "api"


def test_teacher_outside_the_jurisdiction_gets_the_same_403_as_an_unknown_id(client, world, county_key):
    other = api_get(client, county_key, f"/api/v1/teachers/{world.teacher_b1.pk}/")
    unknown = api_get(client, county_key, "/api/v1/teachers/999999/")
    huge = api_get(client, county_key, "/api/v1/teachers/99999999999999999999999/")
    assert other.status_code == unknown.status_code == huge.status_code == 403
    assert other.json() == unknown.json() == huge.json()
    assert other.json()["error"]["code"] == "not_in_jurisdiction"
    for suffix in ("certificates/", "hours/", "eligibility/"):
        assert api_get(client, county_key, f"/api/v1/teachers/{world.teacher_b1.pk}/{suffix}").json() == other.json()
    entry = last_api_log()
    assert entry.action == "refused" and entry.status_code == 403 and entry.teacher_id_ref is None
    assert entry.subject == f"teacher #{world.teacher_b1.pk}"


def test_certificates_with_their_history(client, world, county_key):
    CertificateEvent.objects.create(
        certificate=world.certificate_a1, kind=EventKind.SUSPENDED, reason_code="hours_short",
        reason_text="2025 年学时不足", effective_on=dt.date(2026, 2, 1),
    )
    body = api_get(client, county_key, f"/api/v1/teachers/{world.teacher_a1.pk}/certificates/").json()
    assert body["teacher_id"] == world.teacher_a1.pk
    [certificate] = body["results"]
    assert certificate["number"] == world.certificate_a1.number and certificate["level"]["name"] == "初级"
    assert certificate["issuer"] == {"code": "990101", "name": "甲一县教育局"}
    assert certificate["issued_on"] == "2025-06-01" and certificate["valid_until"] == "2030-06-01"
    assert [e["kind"]["code"] for e in certificate["events"]] == ["issued", "suspended"]
    assert certificate["events"][1]["reason"]["code"] == "hours_short"
    assert certificate["events"][1]["reason_text"] == "2025 年学时不足"


def test_hours_by_year_kind_and_cycle(client, world, county_key):
    year = timezone.localdate().year
    hours_give(world.teacher_a1, hours=30, kind="online", year=year)
    hours_give(world.teacher_a1, hours=12, kind="school_based", year=year)
    hours_give(world.teacher_a1, hours=10, kind="online", year=year - 1)
    body = api_get(client, county_key, f"/api/v1/teachers/{world.teacher_a1.pk}/hours/").json()
    assert body["total"] == 52.0 and body["policy"]["version"] == 1
    by_year = {row["year"]: row for row in body["by_year"]}
    assert by_year[year]["total"] == 42.0
    assert {k["kind"]["code"]: k["hours"] for k in by_year[year]["by_kind"]} == {"online": 30.0, "school_based": 12.0}
    current = next(c for c in body["cycles"] if c["start_year"] <= year <= c["end_year"])
    assert current["target"] == 360.0 and current["remaining"] == 360.0 - current["counted"]
    assert current["reached"] is False
    assert all(s["short_by"] > 0 for s in current["yearly_shortfalls"])
    only = api_get(client, county_key, f"/api/v1/teachers/{world.teacher_a1.pk}/hours/", {"year": year - 1}).json()
    assert [row["year"] for row in only["by_year"]] == [year - 1]


def test_eligibility_with_reasons_for_titles_and_levels(client, world, county_key):
    TitleRuleSet.objects.create(
        target_title="first", version=1, effective_from=dt.date(2024, 1, 1), from_title="second",
        years_by_education={"bachelor": 5}, cycle_hours_min=Decimal(360), appraisal_years=0,
    )
    url = f"/api/v1/teachers/{world.teacher_a1.pk}/eligibility/"
    body = api_get(client, county_key, url, {"title": "first"}).json()
    [title] = body["titles"]
    assert title["target"]["code"] == "first" and title["rule_version"] == 1 and title["eligible"] is False
    checks = {check["code"]: check for check in title["checks"]}
    assert checks["title"]["met"] is True
    assert checks["cycle_hours"]["met"] is False and "360" in checks["cycle_hours"]["figures"]
    assert [level["level"]["code"] for level in body["levels"]] == ["basic", "middle", "high"]
    basic = body["levels"][0]
    assert basic["eligible"] is False and any(not c["met"] and c["figures"] for c in basic["checks"])
    everything = api_get(client, county_key, url).json()
    assert [t["target"]["code"] for t in everything["titles"]] == ["first"]
    only_middle = api_get(client, county_key, url, {"level": "middle"}).json()
    assert [level["level"]["code"] for level in only_middle["levels"]] == ["middle"]
    none_rule = api_get(client, county_key, url, {"title": "senior"}).json()["titles"][0]
    assert none_rule["rule_version"] is None and none_rule["checks"][0]["code"] == "rule"


def test_certificate_by_number_with_holder_masked(client, world, county_key):
    response = api_get(client, county_key, f"/api/v1/certificates/{world.certificate_a1.number}/")
    body = response.json()
    assert body["number"] == world.certificate_a1.number and body["status"]["code"] == "valid"
    assert body["holder"] == {"id": world.teacher_a1.pk, "name": "李明华", "id_number_masked": world.teacher_a1.id_number_masked}
    assert [e["kind"]["code"] for e in body["events"]] == ["issued"]
    assert last_api_log().subject == world.certificate_a1.number
    other = api_get(client, county_key, f"/api/v1/certificates/{world.certificate_b1.number}/")
    unknown = api_get(client, county_key, "/api/v1/certificates/990000202600000/")
    assert other.status_code == unknown.status_code == 403 and other.json() == unknown.json()


def test_missing_scope_is_403_and_logged(client, world):
    key = issue_key(actor=world.a1_admin, organisation=world.tree.county_a1, scopes=["teachers:read"])[1]
    assert api_get(client, key, f"/api/v1/teachers/{world.teacher_a1.pk}/").status_code == 200
    for path, scope in (
        (f"/api/v1/teachers/{world.teacher_a1.pk}/certificates/", "certificates:read"),
        (f"/api/v1/teachers/{world.teacher_a1.pk}/hours/", "hours:read"),
        (f"/api/v1/teachers/{world.teacher_a1.pk}/eligibility/", "eligibility:read"),
        (f"/api/v1/certificates/{world.certificate_a1.number}/", "certificates:read"),
    ):
        response = api_get(client, key, path)
        assert response.status_code == 403
        error = response.json()["error"]
        assert error["code"] == "scope_missing" and scope in error["message"]
        assert last_api_log().status_code == 403 and last_api_log().action == "refused"
    hours_only = issue_key(actor=world.a1_admin, organisation=world.tree.county_a1, scopes=["hours:read"])[1]
    assert api_get(client, hours_only, "/api/v1/teachers/", {"id_number": world.id_a1}).status_code == 403
    assert api_get(client, hours_only, f"/api/v1/teachers/{world.teacher_a1.pk}/hours/").status_code == 200
    assert AccessLog.objects.filter(channel="api").count() == 7
