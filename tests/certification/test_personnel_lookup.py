"""Personnel look-up (人事查询): one search box finds a teacher by name, ID number or certificate number,
only inside the officer's jurisdiction (a teacher outside looks exactly like an unknown one); a malformed
ID number gets a message; every search is logged with the ID number masked. The fixtures here are shared
with test_personnel_record.py."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pytest
from django.urls import reverse

from certification.models import Certificate
from certification.personnel.search import query_label
from lms.api import Role, Teacher
from lms.idcard import make_id_number
from lms.models import AccessLog
from tests.certification_setup import CertWorld, cert_world, certificate_make
from tests.factories import make_teacher, make_user, new_id_number

pytestmark = pytest.mark.django_db

SEARCH = reverse("certification:personnel_search")


@dataclass
class People:
    world: CertWorld
    li: Teacher  # 甲一县第一小学, holds 初级
    li_id: str
    li_certificate: Certificate
    zhao: Teacher  # 甲一县实验中学 (same county, other school)
    qian: Teacher  # 甲二区第一中学 (same city, other county)
    sun: Teacher  # 乙一县第一小学 (other city), holds a certificate, name also contains 李明
    sun_id: str
    sun_certificate: Certificate


@pytest.fixture
def people(tree) -> People:
    world = cert_world(tree)
    li_id, sun_id = new_id_number(), new_id_number()
    li = make_teacher(school=tree.school_a1_1, real_name="李明", id_number=li_id)
    sun = make_teacher(school=tree.school_b1_1, real_name="李明华", id_number=sun_id)
    return People(
        world=world,
        li=li,
        li_id=li_id,
        li_certificate=certificate_make(teacher=li, rule=world.basic_rule, issuer=world.county_issuer),
        zhao=make_teacher(school=tree.school_a1_2, real_name="赵敏"),
        qian=make_teacher(school=tree.school_a2_1, real_name="钱坤"),
        sun=sun,
        sun_id=sun_id,
        sun_certificate=certificate_make(teacher=sun, rule=world.basic_rule, issuer=world.province_issuer),
    )


@pytest.fixture
def officer(tree):
    """A personnel officer (人事科) of 甲一县."""
    return make_user("officer_a1", role=Role.PERSONNEL_OFFICER, organisation=tree.county_a1)


def search(client, query: str, **headers: str):
    return client.post(SEARCH, {"q": query}, headers=headers or None)


def found(response) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-teacher="(\d+)"', response.content.decode())}


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_county_officer_finds_a_teacher_by_name_with_the_results_table(client, people, officer):
    client.force_login(officer)
    response = search(client, "李明")
    assert response.status_code == 200
    assert found(response) == {people.li.pk}  # 李明华 of 乙一县 matches the name but lies outside
    page = response.content.decode()
    record_url = reverse("certification:personnel_record", args=[people.li.pk])
    assert f'href="{record_url}"' in page
    for shown in (people.li.id_number_masked, "甲一县第一小学", "甲一县", "小学", "数学", "二级教师", "初级"):
        assert shown in page, shown
    assert people.li_id not in page


def test_county_officer_finds_a_teacher_by_id_number_and_by_certificate_number(client, people, officer):
    client.force_login(officer)
    by_id = search(client, people.li_id.lower())  # a lower-case x or surrounding spaces are normalised
    assert found(by_id) == {people.li.pk}
    assert people.li_id not in by_id.content.decode() and people.li.id_number_masked in by_id.content.decode()
    by_certificate = search(client, people.li_certificate.number)
    assert found(by_certificate) == {people.li.pk}
    assert 'data-level="basic"' in by_certificate.content.decode()


def test_name_results_are_paginated_with_get_links(client, people, officer, tree, monkeypatch):
    monkeypatch.setattr("certification.personnel.views.PAGE_SIZE", 2)
    for name in ("王一", "王二", "王三"):
        make_teacher(school=tree.school_a1_1, real_name=name)
    client.force_login(officer)
    first = search(client, "王")
    assert len(found(first)) == 2 and "page=2" in first.content.decode()
    second = client.get(SEARCH, {"q": "王", "page": 2})
    assert second.status_code == 200 and len(found(second)) == 1
    assert found(first).isdisjoint(found(second))


@pytest.mark.parametrize("kind", ["name", "id_number", "certificate"])
def test_a_teacher_outside_the_county_is_not_found_and_looks_like_an_unknown_one(client, people, officer, kind):
    outside = {"name": "李明华", "id_number": people.sun_id, "certificate": people.sun_certificate.number}[kind]
    unknown = {
        "name": "欧阳修",
        "id_number": make_id_number("110101", dt.date(1970, 1, 1), 999),
        "certificate": "9902002025999999",
    }[kind]
    client.force_login(officer)
    answers = []
    for query in (outside, unknown):
        response = search(client, query)
        assert response.status_code == 200
        assert found(response) == set()
        assert 'id="no-results"' in response.content.decode()
        answers.append(without_tokens(response.content.decode()).replace(query_label(query), "QUERY"))
    assert answers[0] == answers[1]
    assert people.sun_id not in answers[0] and "乙一县" not in answers[0]


def test_a_malformed_id_number_gets_a_clear_message_and_nothing_is_logged(client, people, officer):
    bad = people.li_id[:17] + ("0" if people.li_id[17] != "0" else "1")  # wrong check character
    client.force_login(officer)
    response = search(client, bad)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="search-error"' in page and "校验位" in page and found(response) == set()
    assert bad not in page  # even a mistyped number is shown masked only
    english = search(client, bad, **{"accept-language": "en"})
    assert "The check character of the ID number is wrong" in english.content.decode()
    too_long = search(client, "1" * 60)
    assert too_long.status_code == 400 and "50" in too_long.content.decode()
    assert not AccessLog.objects.exists()


def test_each_search_is_logged_with_the_id_number_masked(client, people, officer):
    client.force_login(officer)
    search(client, "李明")
    search(client, people.li_id)
    client.get(SEARCH, {"q": people.li_id})  # a bookmarked or typed URL: the log still masks it
    entries = list(AccessLog.objects.order_by("id"))
    assert [(e.action, e.channel) for e in entries] == [("list", "page"), ("query", "page"), ("query", "page")]
    assert all(e.actor_id == officer.pk for e in entries)
    assert "李明" in entries[0].subject and entries[0].object_count == 1
    for entry in entries[1:]:
        assert people.li.id_number_masked in entry.subject
        assert people.li_id not in entry.subject and people.li_id not in entry.path
        assert entry.path.startswith(SEARCH)
    assert "q=" in entries[2].path and people.li.id_number_masked.replace("*", "%2A") in entries[2].path


def test_an_empty_search_shows_only_the_form_and_logs_nothing(client, people, officer):
    client.force_login(officer)
    response = client.get(SEARCH)
    assert response.status_code == 200 and found(response) == set()
    assert 'name="q"' in response.content.decode()
    assert not AccessLog.objects.exists()


def test_city_officer_finds_teachers_of_every_county_in_the_city_only(client, people, tree):
    client.force_login(make_user("officer_city", role=Role.PERSONNEL_OFFICER, organisation=tree.city_a))
    assert found(search(client, "钱坤")) == {people.qian.pk}
    assert found(search(client, "赵敏")) == {people.zhao.pk}
    assert found(search(client, "李明")) == {people.li.pk}
    assert found(search(client, people.sun_id)) == set()


def test_county_admin_searches_their_county(client, people, tree):
    client.force_login(make_user("admin_a1", role=Role.COUNTY_ADMIN, organisation=tree.county_a1))
    assert found(search(client, people.li_certificate.number)) == {people.li.pk}
    assert found(search(client, "钱坤")) == set()
    assert found(search(client, people.sun_certificate.number)) == set()


def test_province_admin_finds_teachers_everywhere(client, people, tree):
    client.force_login(make_user("admin_p", role=Role.PROVINCE_ADMIN, organisation=tree.province))
    assert found(search(client, "李明")) == {people.li.pk, people.sun.pk}


def test_school_admin_finds_only_their_own_school(client, people, tree):
    client.force_login(make_user("admin_s", role=Role.SCHOOL_ADMIN, organisation=tree.school_a1_1))
    assert found(search(client, "李明")) == {people.li.pk}
    assert found(search(client, "赵敏")) == set()  # same county, another school


@pytest.mark.parametrize("who", ["teacher", "reviewer", "editor", "outsider"])
def test_people_without_a_read_role_are_refused(client, people, tree, who):
    user = {
        "teacher": lambda: people.li.user,
        "reviewer": lambda: make_user("reviewer", role=Role.REVIEWER, organisation=tree.county_a1),
        "editor": lambda: make_user("editor", role=Role.INSTITUTION_EDITOR, organisation=tree.institution),
        "outsider": lambda: make_user("outsider"),
    }[who]()
    client.force_login(user)
    assert client.get(SEARCH).status_code == 403
    assert search(client, "李明").status_code == 403
    assert not AccessLog.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, people):
    response = search(client, "李明")
    assert response.status_code == 302 and reverse("lms:login") in response.url
    assert client.get(SEARCH).status_code == 302


def test_the_search_page_in_english(client, people, officer):
    client.force_login(officer)
    response = search(client, "李明", **{"accept-language": "en"})
    page = response.content.decode()
    assert "Personnel look-up" in page and "Current level" in page and "Open record" in page
    assert "1 teacher found" in page
    chinese = search(client, "李明").content.decode()
    assert "人事查询" in chinese and "当前等级" in chinese
