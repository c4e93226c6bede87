"""The demo: three levels with requirements, the province issues, five certificates in the demo school
(one suspended), the demo teacher eligible for 初级 and issued it by the nightly run; a rerun adds nothing."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from certification.issuance import certificates_issue_newly_eligible
from certification.models import Certificate, CertificateIssuer, CertificationLevel, LevelRule, TitleRuleSet
from lms.api import teacher_for_user

pytestmark = pytest.mark.django_db


def test_demo_certification_lifecycle(client):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=StringIO())
    assert "Certification: 3 levels" in out.getvalue()
    assert list(CertificationLevel.objects.order_by("rank").values_list("name", flat=True)) == ["初级", "中级", "高级"]
    assert LevelRule.objects.count() == 3 and TitleRuleSet.objects.count() == 3
    assert CertificateIssuer.objects.get().name == "示范省教育厅"
    assert Certificate.objects.count() == 5
    assert Certificate.objects.filter(status="suspended").count() == 1
    teacher = teacher_for_user(user=get_user_model().objects.get(username="teacher"))
    client.force_login(teacher.user)
    page = client.get("/certificates/").content.decode()
    assert 'data-level="basic"' in page and 'data-eligible="yes"' in page
    assert certificates_issue_newly_eligible()["basic"] == 1
    assert Certificate.objects.get(teacher=teacher).number.startswith("990000")


def test_demo_hr_system_key_answers_the_api_for_its_city_only(client, settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path
    out = StringIO()
    call_command("seed_demo", stdout=out)
    rerun = StringIO()
    call_command("seed_demo", stdout=rerun)
    key = (tmp_path / "demo" / "hr-api-key.txt").read_text(encoding="utf-8").strip()
    assert f"Bearer {key}" in out.getvalue() and f"Bearer {key}" in rerun.getvalue()  # one client, printed again
    from certification.models import ApiClient

    assert ApiClient.objects.filter(revoked_at__isnull=True).count() == 1
    teacher = teacher_for_user(user=get_user_model().objects.get(username="teacher"))
    answer = client.get("/api/v1/teachers/", {"name": teacher.real_name}, headers={"authorization": f"Bearer {key}"})
    assert answer.status_code == 200 and teacher.pk in [row["id"] for row in answer.json()["results"]]
    refused = client.get("/api/v1/teachers/", {"name": teacher.real_name}, headers={"authorization": f"Bearer {key}x"})
    assert refused.status_code == 401


def test_demo_gives_the_province_years_of_hours_so_reports_show_progress(client):
    from courses.models import HoursEntry

    call_command("seed_demo", stdout=StringIO())
    entries = HoursEntry.objects.filter(idempotency_key__startswith="demo-history:")
    written = entries.count()
    assert set(entries.values_list("year", flat=True)) == set(range(2021, 2027))
    call_command("seed_demo", stdout=StringIO())
    assert entries.count() == written  # a rerun adds nothing
    teacher = teacher_for_user(user=get_user_model().objects.get(username="teacher"))
    assert not entries.filter(teacher_id=teacher.pk).exists()  # her own figures stay those the README describes
    client.force_login(get_user_model().objects.get(username="province_admin"))
    page = client.get("/reports/indicator/", {"year": 2025}).content.decode()
    section = page.split('data-table="', 2)[1]  # the first table: by city
    columns = re.findall(r'data-column="(\w+)"', section)
    total = re.search(r'<tr class="total">(.*?)</tr>', section, re.S).group(1)
    values = re.findall(r"<td>([^<]*)</td>", total)
    teachers, reached = int(values[columns.index("teachers")]), int(values[columns.index("reached")])
    assert teachers >= 290 and 0 < reached < teachers
