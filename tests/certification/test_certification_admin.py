"""Wagtail admin for certification rules: province administrators edit levels and requirement versions;
a version that decided a certificate cannot change (a new version is added instead); each bureau edits only
its own issuer, whose numbering pattern is checked."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from certification.models import CertificateIssuer, LevelRule
from certification.services import certificate_issue
from tests.certification_setup import basic_eligible, cert_world, competencies_pass
from tests.factories import Role, make_teacher, make_user

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _rule_form(rule: LevelRule, **changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "level": rule.level_id, "version": rule.version, "effective_from": "2024-01-01", "is_active": "on",
        "framework_code": rule.framework_code, "framework_version": rule.framework_version,
        "competencies_min": rule.competencies_min, "competency_level": rule.competency_level,
        "competencies_required": "[]", "dimensions_required": "[]", "environments_required": "[]",
        "hours_window_years": rule.hours_window_years, "hours_total_min": str(rule.hours_total_min),
        "hours_by_kind_min": '{"school_based": 25}', "prerequisite": "", "validity_years": rule.validity_years, "note": "",
    }
    form.update(changes)
    return form


def test_an_unused_version_can_be_edited_a_used_one_cannot(tree):
    world = cert_world(tree)
    province = _client(make_user("prov", role=Role.PROVINCE_ADMIN, organisation=tree.province))
    url = reverse("certification_rules:edit", args=[world.basic_rule.pk])
    assert province.post(url, _rule_form(world.basic_rule, competencies_min=4)).status_code == 302
    world.basic_rule.refresh_from_db()
    assert world.basic_rule.competencies_min == 4
    teacher = make_teacher(school=tree.school_a1_1, real_name="王小明")
    basic_eligible(teacher)
    competencies_pass(teacher, ["A10"])  # the edited rule asks for four
    certificate_issue(teacher=teacher, level=world.basic)
    response = province.post(url, _rule_form(world.basic_rule, competencies_min=2))
    assert response.status_code == 200 and "不能修改" in response.content.decode()
    world.basic_rule.refresh_from_db()
    assert world.basic_rule.competencies_min == 4
    added = province.post(reverse("certification_rules:add"), _rule_form(world.basic_rule, version=2, competencies_min=2))
    assert added.status_code == 302 and LevelRule.objects.filter(level=world.basic, version=2, competencies_min=2).exists()


def test_bad_hours_kind_in_requirements_is_refused(tree):
    world = cert_world(tree)
    province = _client(make_user("prov", role=Role.PROVINCE_ADMIN, organisation=tree.province))
    response = province.post(reverse("certification_rules:add"), _rule_form(world.basic_rule, version=3, hours_by_kind_min='{"karaoke": 5}'))
    assert response.status_code == 200 and "karaoke" in response.content.decode()
    assert not LevelRule.objects.filter(version=3).exists()


def test_a_county_administrator_edits_only_their_own_issuer(tree):
    world = cert_world(tree)
    county = _client(make_user("county", role=Role.COUNTY_ADMIN, organisation=tree.county_a1))
    listing = county.get(reverse("certificate_issuers:list")).content.decode()
    assert "甲一县教育局" in listing and "示范省教育厅" not in listing
    assert county.get(reverse("certificate_issuers:edit", args=[world.province_issuer.pk])).status_code == 404
    form = {"organisation": tree.county_a1.pk, "name": "甲一县教育局", "number_pattern": "{region}{year}", "certificate_title": "证书",
            "body_text": "", "seal_image": "", "signature_line": "", "footer_text": ""}
    response = county.post(reverse("certificate_issuers:edit", args=[world.county_issuer.pk]), form)
    assert response.status_code == 200 and "流水号" in response.content.decode()
    world.county_issuer.refresh_from_db()
    assert world.county_issuer.number_pattern == "{region}{year}{seq:06d}"
    form["number_pattern"] = "JY{year}{seq:05d}"
    assert county.post(reverse("certificate_issuers:edit", args=[world.county_issuer.pk]), form).status_code == 302
    assert CertificateIssuer.objects.get(pk=world.county_issuer.pk).number_pattern == "JY{year}{seq:05d}"


def test_a_county_administrator_cannot_edit_province_rules(tree):
    world = cert_world(tree)
    county = _client(make_user("county", role=Role.COUNTY_ADMIN, organisation=tree.county_a1))
    response = county.get(reverse("certification_rules:edit", args=[world.basic_rule.pk]))
    assert response.status_code in (302, 403)
