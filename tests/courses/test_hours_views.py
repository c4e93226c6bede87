"""The hours pages: jurisdiction, who may record or reverse, the teacher's own view, the policy page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from courses.models import HoursEntry, HoursKind, HoursPolicy, HoursSource
from courses.services import hours_award
from lms.crypto import decrypt_text
from lms.models import AccessLog, Role
from tests.factories import make_teacher, make_user

pytestmark = pytest.mark.django_db


def give(teacher, hours="10", key=None, year=2024):
    return hours_award(
        teacher_id=teacher.pk, hours=hours, kind=HoursKind.ONLINE, year=year, source_type=HoursSource.COURSE,
        source_ref="course:1", idempotency_key=key or f"course:1:{teacher.pk}:{hours}", recognised_by=None,
    )


@pytest.fixture
def setup(tree):
    inside = make_teacher(school=tree.school_a1_1, real_name="本县老师")
    outside = make_teacher(school=tree.school_b1_1, real_name="外县老师")
    admin = make_user("county_a1", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    personnel = make_user("personnel", role=Role.PERSONNEL_OFFICER, organisation=tree.city_a)
    return tree, inside, outside, admin, personnel


def record(client, teacher, **data):
    form = {"hours": "6", "kind": HoursKind.RECOGNISED, "year": "2024", "note": "县级教研活动", "request_key": "k1"}
    form.update(data)
    return client.post(reverse("courses:hours_record", args=[teacher.pk]), form)


def test_admin_finds_a_teacher_by_id_number_and_sees_the_ledger(setup, client):
    _tree, inside, _outside, admin, _personnel = setup
    give(inside, "12")
    client.force_login(admin)
    found = client.get(reverse("courses:hours_manage"), {"q": decrypt_text(inside.id_number_encrypted)})
    assert found.status_code == 302 and found.url == reverse("courses:hours_teacher", args=[inside.pk])
    page = client.get(found.url)
    body = page.content.decode()
    assert page.status_code == 200 and "本县老师" in body and "12.0" in body
    assert page.context["totals"].policy_version == 1
    assert AccessLog.objects.filter(action="view", teacher_id_ref=inside.pk).exists()


def test_admin_cannot_see_or_find_another_countys_teacher(setup, client):
    _tree, _inside, outside, admin, _personnel = setup
    client.force_login(admin)
    assert client.get(reverse("courses:hours_teacher", args=[outside.pk])).status_code == 404
    search = client.get(reverse("courses:hours_manage"), {"q": decrypt_text(outside.id_number_encrypted)})
    assert search.status_code == 200 and search.context["teachers"] == []
    by_id = client.get(reverse("courses:hours_manage"), {"q": str(outside.pk)})
    assert by_id.context["teachers"] == []


def test_admin_records_a_recognised_activity_once(setup, client):
    _tree, inside, _outside, admin, _personnel = setup
    client.force_login(admin)
    assert record(client, inside).status_code == 302
    assert record(client, inside).status_code == 302  # the same form sent twice
    entry = HoursEntry.objects.get()
    assert (entry.teacher_id, entry.hours, entry.kind, entry.recognised_by) == (
        inside.pk, Decimal(6), HoursKind.RECOGNISED, admin
    )


def test_a_bad_recognition_is_shown_and_writes_nothing(setup, client):
    _tree, inside, _outside, admin, _personnel = setup
    client.force_login(admin)
    assert record(client, inside, hours="500").status_code == 400
    assert record(client, inside, year="1980").status_code == 400
    assert record(client, inside, note="").status_code == 400
    assert not HoursEntry.objects.exists()


def test_admin_cannot_record_or_reverse_for_another_county(setup, client):
    _tree, _inside, outside, admin, _personnel = setup
    entry = give(outside)
    client.force_login(admin)
    assert record(client, outside).status_code == 404
    response = client.post(reverse("courses:hours_reverse", args=[entry.pk]), {"reason": "越权"})
    assert response.status_code == 404
    assert HoursEntry.objects.count() == 1


def test_admin_reverses_with_a_reason_only_once(setup, client):
    _tree, inside, _outside, admin, _personnel = setup
    entry = give(inside)
    client.force_login(admin)
    url = reverse("courses:hours_reverse", args=[entry.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "登记错误"}).status_code == 302
    again = client.post(url, {"reason": "再来一次"})
    assert again.status_code == 400
    assert HoursEntry.objects.count() == 2
    assert HoursEntry.objects.get(reverses=entry).note == "登记错误"


def test_personnel_officer_reads_but_cannot_write(setup, client):
    _tree, inside, _outside, _admin, personnel = setup
    entry = give(inside)
    client.force_login(personnel)
    page = client.get(reverse("courses:hours_teacher", args=[inside.pk]))
    assert page.status_code == 200 and not page.context["can_record"]
    assert record(client, inside).status_code == 403
    assert client.post(reverse("courses:hours_reverse", args=[entry.pk]), {"reason": "试试"}).status_code == 403
    assert client.get(reverse("courses:hours_import")).status_code == 403
    assert HoursEntry.objects.count() == 1


def test_a_teacher_has_no_manage_pages(setup, client):
    _tree, inside, _outside, _admin, _personnel = setup
    client.force_login(inside.user)
    assert client.get(reverse("courses:hours_manage")).status_code == 403
    assert client.get(reverse("courses:hours_teacher", args=[inside.pk])).status_code == 403
    assert record(client, inside).status_code == 403


def test_teacher_sees_own_hours_only(setup, client):
    _tree, inside, outside, _admin, _personnel = setup
    give(inside, "20", year=2024)
    give(outside, "77.5", year=2024)
    client.force_login(inside.user)
    page = client.get(reverse("courses:my_hours"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "20.0" in body and "77.5" not in body
    assert page.context["totals"].teacher_id == inside.pk


def test_a_user_without_a_teacher_record_gets_a_clear_page(client, tree):
    client.force_login(make_user("plain"))
    assert client.get(reverse("courses:my_hours")).status_code == 404


def test_province_admin_publishes_a_new_policy_version(tree, client):
    admin = make_user("province", role=Role.PROVINCE_ADMIN, organisation=tree.province)
    client.force_login(admin)
    page = client.get(reverse("courses:hours_policy"))
    assert page.status_code == 200 and page.context["form"] is not None
    data = {
        "name": "2026年起新规则", "effective_from": "2026-01-01", "cycle_years": "5", "cycle_start_year": "2021",
        "cycle_target_hours": "360", "yearly_minimum_hours": "48", "probation_target_hours": "120",
        "cap_recognised": "60",
    }
    assert client.post(reverse("courses:hours_policy"), data).status_code == 302
    policy = HoursPolicy.objects.get(version=2)
    assert policy.yearly_minimum_hours == Decimal(48) and policy.kind_caps == {"recognised": "60"}
    assert policy.created_by == admin
    assert HoursPolicy.objects.get(version=1).yearly_minimum_hours == Decimal(24)


def test_county_admin_reads_the_policy_but_cannot_publish(setup, client):
    _tree, _inside, _outside, admin, _personnel = setup
    client.force_login(admin)
    page = client.get(reverse("courses:hours_policy"))
    assert page.status_code == 200 and page.context["form"] is None
    assert client.post(reverse("courses:hours_policy"), {"name": "x"}).status_code == 403
    assert HoursPolicy.objects.count() == 1
