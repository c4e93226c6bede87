"""The organisation tree as administrators see and change it: only their subtree, only valid nodes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lms.models import Organisation, Role
from lms.selectors import teachers_visible_to
from tests.factories import make_teacher, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_admin(tree, client):
    admin = make_user("county_a1", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    client.force_login(admin)
    return admin


def _tree_url(node) -> str:
    return f"{reverse('lms:organisation_tree')}?node={node.pk}"


def test_admin_lands_on_their_node_and_sees_its_children(tree, client, county_admin):
    response = client.get(reverse("lms:organisation_tree"), follow=True)
    body = response.content.decode()
    assert "甲一县第一小学" in body and "甲一县实验中学" in body
    assert "乙一县第一小学" not in body
    assert client.get(_tree_url(tree.county_b1)).status_code == 404


def test_county_admin_adds_a_school(tree, client, county_admin):
    response = client.post(
        reverse("lms:organisation_add", args=[tree.county_a1.pk]),
        {"kind": "school", "code": "9901010003", "name": "甲一县第三小学"},
    )
    assert response.status_code == 302
    school = Organisation.objects.get(code="9901010003")
    assert school.get_parent() == tree.county_a1
    assert Organisation.find_problems() == ([], [], [], [], [])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "school", "code": "9901010001", "name": "重复"}, "已存在"),
        ({"kind": "city", "code": "990300", "name": "县下设市"}, "选择一个有效的选项"),
        ({"kind": "school", "code": "甲", "name": "坏代码"}, "4至20位"),
    ],
)
def test_bad_nodes_are_refused_and_nothing_added(tree, client, county_admin, data, message):
    before = Organisation.objects.count()
    response = client.post(reverse("lms:organisation_add", args=[tree.county_a1.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Organisation.objects.count() == before


def test_adding_outside_the_jurisdiction_is_refused(tree, client, county_admin):
    response = client.post(
        reverse("lms:organisation_add", args=[tree.county_b1.pk]),
        {"kind": "school", "code": "9902010009", "name": "越权学校"},
    )
    assert response.status_code == 404
    assert not Organisation.objects.filter(code="9902010009").exists()


def test_closing_a_school_stops_grants_there_and_reopening_restores(tree, client, county_admin):
    make_teacher(school=tree.school_a1_1)
    school_admin = make_user("sa", role=Role.SCHOOL_ADMIN, organisation=tree.school_a1_1)
    assert teachers_visible_to(school_admin).count() == 1
    client.post(reverse("lms:organisation_toggle", args=[tree.school_a1_1.pk]))
    assert not teachers_visible_to(school_admin).exists()
    client.post(reverse("lms:organisation_toggle", args=[tree.school_a1_1.pk]))
    assert teachers_visible_to(school_admin).count() == 1


def test_school_admin_and_personnel_may_look_but_not_change(tree, client):
    for user in (
        make_user("sa", role=Role.SCHOOL_ADMIN, organisation=tree.school_a1_1),
        make_user("hr", role=Role.PERSONNEL_OFFICER, organisation=tree.city_a),
    ):
        client.force_login(user)
        response = client.post(
            reverse("lms:organisation_add", args=[tree.school_a1_1.pk if user.username == "sa" else tree.city_a.pk]),
            {"kind": "school", "code": "9901019999", "name": "不应出现"},
        )
        assert response.status_code == 400
        assert not Organisation.objects.filter(code="9901019999").exists()


def test_teacher_cannot_browse_the_tree(tree, client):
    client.force_login(make_teacher(school=tree.school_a1_1).user)
    assert client.get(reverse("lms:organisation_tree")).status_code == 403
