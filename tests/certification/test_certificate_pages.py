"""Pages: a teacher's certificates and eligibility; administrators' list, detail, status changes and manual
issue, each inside their jurisdiction."""

from __future__ import annotations

import pytest

from certification.models import Certificate, CertificateEvent
from certification.services import certificate_issue
from tests.certification_setup import basic_eligible, cert_world, competencies_pass
from tests.factories import Role, make_teacher, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree):
    return cert_world(tree)


@pytest.fixture
def holder(world):
    teacher = make_teacher(school=world.tree.school_a1_1, real_name="王小明")
    basic_eligible(teacher)
    return teacher


def test_teacher_sees_own_certificate_history_and_eligibility_explained(client, world, holder):
    certificate_issue(teacher=holder, level=world.basic)
    client.force_login(holder.user)
    page = client.get("/certificates/").content.decode()
    assert Certificate.objects.get().number in page and "初级" in page and "颁发" in page
    assert 'data-level="middle"' in page and "未持有有效的初级证书" not in page  # holds 初级 now
    assert "已通过 3/5 个" in page  # 中级 needs 5 competencies


def test_another_teacher_cannot_download_the_pdf(client, world, holder):
    certificate = certificate_issue(teacher=holder, level=world.basic).certificate
    other = make_teacher(school=world.tree.school_a1_1, real_name="李小红")
    client.force_login(other.user)
    assert client.get(f"/certificates/{certificate.pk}/pdf/").status_code == 404


def test_admin_list_is_scoped_to_jurisdiction(client, world, holder):
    certificate_issue(teacher=holder, level=world.basic)
    far = make_teacher(school=world.tree.school_b1_1, real_name="赵大海")
    basic_eligible(far)
    certificate_issue(teacher=far, level=world.basic)
    client.force_login(make_user("county", role=Role.COUNTY_ADMIN, organisation=world.tree.county_a1))
    page = client.get("/certificates/manage/").content.decode()
    assert "王小明" in page and "赵大海" not in page
    far_certificate = Certificate.objects.get(teacher=far)
    assert client.get(f"/certificates/manage/{far_certificate.pk}/").status_code == 404


def test_teacher_cannot_open_the_admin_list(client, holder):
    client.force_login(holder.user)
    assert client.get("/certificates/manage/").status_code == 403


def test_admin_suspends_with_reason_and_history_shows_it(client, world, holder):
    certificate = certificate_issue(teacher=holder, level=world.basic).certificate
    client.force_login(make_user("county", role=Role.COUNTY_ADMIN, organisation=world.tree.county_a1))
    response = client.post(f"/certificates/manage/{certificate.pk}/status/", {"action": "suspend", "reason_code": "misconduct", "reason_text": "违反师德"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == "suspended"
    page = client.get(f"/certificates/manage/{certificate.pk}/").content.decode()
    assert "违反师德" in page and "暂停" in page


def test_status_change_without_reason_is_refused_and_changes_nothing(client, world, holder):
    certificate = certificate_issue(teacher=holder, level=world.basic).certificate
    client.force_login(make_user("county", role=Role.COUNTY_ADMIN, organisation=world.tree.county_a1))
    response = client.post(f"/certificates/manage/{certificate.pk}/status/", {"action": "revoke", "reason_code": "other", "reason_text": ""})
    assert response.status_code == 400 and "请说明" in response.content.decode()
    certificate.refresh_from_db()
    assert certificate.status == "valid" and CertificateEvent.objects.count() == 1


def test_personnel_officer_reads_but_cannot_change(client, world, holder):
    certificate = certificate_issue(teacher=holder, level=world.basic).certificate
    client.force_login(make_user("hr", role=Role.PERSONNEL_OFFICER, organisation=world.tree.city_a))
    assert client.get(f"/certificates/manage/{certificate.pk}/").status_code == 200
    response = client.post(f"/certificates/manage/{certificate.pk}/status/", {"action": "suspend", "reason_code": "misconduct"})
    assert response.status_code == 403
    certificate.refresh_from_db()
    assert certificate.status == "valid"


def test_manual_issue_refused_lists_unmet_requirements(client, world):
    teacher = make_teacher(school=world.tree.school_a1_1, real_name="李小红")
    competencies_pass(teacher, ["A1"])
    client.force_login(make_user("county", role=Role.COUNTY_ADMIN, organisation=world.tree.county_a1))
    response = client.post(f"/certificates/manage/teachers/{teacher.pk}/", {"level": world.basic.pk})
    page = response.content.decode()
    assert response.status_code == 400 and "已通过能力点：已通过 1/3 个" in page and "未颁发" in page
    assert not Certificate.objects.exists()


def test_manual_issue_by_admin(client, world, holder):
    client.force_login(make_user("county", role=Role.COUNTY_ADMIN, organisation=world.tree.county_a1))
    response = client.post(f"/certificates/manage/teachers/{holder.pk}/", {"level": world.basic.pk})
    certificate = Certificate.objects.get()
    assert response.status_code == 302 and certificate.mode == "manual" and certificate.issued_by.username == "county"


def test_admin_of_another_county_cannot_issue(client, world, holder):
    client.force_login(make_user("other", role=Role.COUNTY_ADMIN, organisation=world.tree.county_b1))
    assert client.post(f"/certificates/manage/teachers/{holder.pk}/", {"level": world.basic.pk}).status_code == 404
    assert not Certificate.objects.exists()
