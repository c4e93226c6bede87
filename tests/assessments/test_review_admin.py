"""Wagtail admin for evidence review: region administrators manage reviewer pools and members inside their
jurisdiction only; rubrics check their levels; task pieces name known file kinds."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import ReviewerPool, Rubric
from tests.evidence_setup import evidence_world
from tests.factories import Role, make_user

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_county_administrator_sees_and_edits_only_pools_of_their_county(tree):
    world = evidence_world(tree)
    own = ReviewerPool.objects.create(region=tree.county_a1, name="甲一县评审专家库")
    county = _client(make_user("county_a1", role=Role.COUNTY_ADMIN, organisation=tree.county_a1))
    listing = county.get(reverse("reviewer_pools:list")).content.decode()
    assert "甲一县评审专家库" in listing and world.pool.name not in listing
    assert county.get(reverse("reviewer_pools:edit", args=[world.pool.pk])).status_code == 404
    assert county.get(reverse("reviewer_pools:edit", args=[own.pk])).status_code == 200


def test_a_teacher_or_reviewer_cannot_reach_the_pools(tree):
    evidence_world(tree)
    reviewer = make_user("plain_reviewer", role=Role.REVIEWER, organisation=tree.province)
    response = _client(reviewer).get(reverse("reviewer_pools:list"))
    assert response.status_code in (302, 403)


def test_a_rubric_with_broken_levels_is_refused(tree):
    province = _client(make_user("prov", role=Role.PROVINCE_ADMIN, organisation=tree.province))
    form = {
        "owner": tree.province.pk, "name": "量规", "levels": '[{"code": "pass"}]', "pass_level": "pass",
        "every_criterion_rule": "on",
        "criteria-TOTAL_FORMS": "1", "criteria-INITIAL_FORMS": "0", "criteria-MIN_NUM_FORMS": "1", "criteria-MAX_NUM_FORMS": "1000",
        "criteria-0-name": "目标", "criteria-0-descriptors": "{}", "criteria-0-ORDER": "1", "criteria-0-DELETE": "",
    }
    response = province.post(reverse("rubrics:add"), form)
    assert response.status_code == 200 and not Rubric.objects.filter(name="量规").exists()
    form["levels"] = '[{"code": "pass", "label": "合格"}, {"code": "fail", "label": "不合格"}]'
    response = province.post(reverse("rubrics:add"), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Rubric.objects.get(name="量规").criteria.count() == 1
