"""The workspace page (/manage/): each role's links under headed sections, in a fixed order, and only the
links the role may follow."""

from __future__ import annotations

import re

import pytest

from tests.factories import Role, make_teacher, make_user

pytestmark = pytest.mark.django_db


def sections(client) -> list[tuple[str, list[str]]]:
    page = client.get("/manage/").content.decode()
    found = []
    for key, body in re.findall(r'<section class="card workspace-section" data-section="(\w+)">(.*?)</section>', page, re.S):
        found.append((key, re.findall(r'<a href="[^"]+">([^<]+)</a>', body)))
    return found


def test_a_county_administrator_sees_headed_sections_in_order(client, tree):
    client.force_login(make_user("county", role=Role.COUNTY_ADMIN, organisation=tree.county_a1))
    found = dict(sections(client))
    order = [key for key, _links in sections(client)]
    assert order == sorted(order, key=["mine", "people", "training", "review", "certification", "personnel", "audit", "other"].index)
    assert found["people"][:2] == ["教师", "导入花名册"]
    assert {"人事查询", "批量查询", "统计报表"} <= set(found["personnel"])
    assert "证书管理" in found["certification"]
    assert "mine" not in found  # not a teacher


def test_a_personnel_officer_gets_queries_and_reports_but_nothing_to_change(client, tree):
    client.force_login(make_user("officer", role=Role.PERSONNEL_OFFICER, organisation=tree.county_a1))
    found = dict(sections(client))
    assert {"人事查询", "批量查询", "统计报表"} <= set(found["personnel"])
    assert "HR 系统接口密钥" not in found["personnel"]  # keys are issued by bureaus
    assert "导入花名册" not in found.get("people", [])
    assert "批量发证" not in found.get("certification", [])
    assert found["audit"] == ["访问日志"]  # her own looks


def test_a_teacher_sees_her_own_section_only(client, tree):
    teacher = make_teacher(school=tree.school_a1_1)
    client.force_login(teacher.user)
    found = dict(sections(client))
    assert {"我的证书", "我的学时"} <= set(found["mine"])
    assert set(found) <= {"mine", "other"}


def test_english_section_titles(client, tree):
    client.force_login(make_user("county", role=Role.COUNTY_ADMIN, organisation=tree.county_a1))
    page = client.get("/manage/", headers={"accept-language": "en"}).content.decode()
    assert "Personnel queries and reports" in page and "Teachers and organisations" in page
