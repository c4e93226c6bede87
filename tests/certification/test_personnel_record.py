"""The teacher record page of the personnel look-up: certification level and history, hours by year and
kind against the policy's targets, annual review outcomes, title-promotion reasons; the ID number
masked until revealed with a reason; every look logged; the same 404 outside the jurisdiction as for
an unknown teacher; refused to roles that do not read certificates."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from certification.personnel.record import teacher_record
from certification.services import certificate_revoke, certificate_suspend
from lms.api import Role, Teacher
from lms.models import AccessLog
from tests.certification.test_annual_run import run_county
from tests.certification.test_personnel_lookup import officer, people, without_tokens  # noqa: F401 - shared fixtures
from tests.certification.test_titles_rules import candidate, first_rule
from tests.certification_setup import certificate_make, hours_give
from tests.factories import make_user

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 1)  # hours cycles 2021–2025 and 2026–2030; appraisals counted 2021–2025
REASON = "职称评审材料核对"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    """The pages read the date from django.utils.timezone: fix it, as the rules' own tests fix `today`."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture
def wang(people, tree) -> Teacher:
    """A 二级 teacher of 甲一县第一小学: 初级 valid, 中级 suspended then revoked, hours short in 2025,
    warned by the 2025 review, and not yet eligible for 一级 (hours, level, one 基本合格)."""
    world = people.world
    first_rule(world)
    appraisals = {2021: "qualified", 2022: "qualified", 2023: "excellent", 2024: "qualified", 2025: "basic"}
    teacher = candidate(world, real_name="王芳", hours=0, certificate=False, appraisals=appraisals)
    certificate_make(teacher=teacher, rule=world.basic_rule, issuer=world.county_issuer, issued_on=dt.date(2024, 3, 1))
    middle = certificate_make(teacher=teacher, rule=world.middle_rule, issuer=world.county_issuer, issued_on=dt.date(2025, 6, 1))
    hours_give(teacher, hours=10, kind="online", year=2025)
    hours_give(teacher, hours=30, kind="school_based", year=2026)
    hours_give(teacher, hours=20, kind="online", year=2026)
    hours_give(teacher, hours=100, kind="recognised", year=2026)  # the default policy caps it at 72 a cycle
    run_county(tree.county_a1, year=2025)
    certificate_suspend(certificate=middle, reason_code="misconduct", reason_text="师德问题调查中", effective_on=dt.date(2026, 2, 1))
    certificate_revoke(certificate=middle, reason_code="fraud", reason_text="学时证明造假", effective_on=dt.date(2026, 3, 1))
    return teacher


def record_url(teacher: Teacher) -> str:
    return reverse("certification:personnel_record", args=[teacher.pk])


def reveal_url(teacher: Teacher) -> str:
    return reverse("certification:personnel_reveal", args=[teacher.pk])


def section(page: str, name: str) -> str:
    """One top-level part of the record, up to the next one (parts hold nested sections)."""
    rest = page[page.index(f'<section id="{name}">') + 1:]
    return rest.split('<section id="', 1)[0].split("</main>", 1)[0]


def test_record_shows_the_header_and_certification_level_with_history(client, wang, officer):
    client.force_login(officer)
    response = client.get(record_url(wang))
    assert response.status_code == 200
    page = response.content.decode()
    head = page[page.index('id="record-head"'):].split("</table>", 1)[0]
    for shown in (wang.id_number_masked, "甲一县第一小学", "甲一县", "二级教师", "2020-03-01", "本科", "在职"):
        assert shown in head, shown
    certification = section(page, "certification")
    assert 'data-level="basic"' in certification.split('id="current-level"')[1].split("</p>")[0]  # 中级 is revoked
    middle = certification[certification.index('data-status="revoked"'):]
    assert "师德问题调查中" in middle and "学时证明造假" in middle
    assert 'data-event="suspended"' in middle and 'data-event="revoked"' in middle and 'data-event="warned"' in middle
    for code in ("basic", "middle", "high"):
        assert f'class="eligibility" data-level="{code}"' in certification


def test_record_shows_hours_by_year_and_kind_against_the_cycle_targets(client, wang, officer):
    client.force_login(officer)
    hours = section(client.get(record_url(wang)).content.decode(), "hours")
    current = hours[hours.index('data-cycle="2026"'):].split("</table>", 1)[0]
    assert 'data-current="yes"' in current
    assert "目标 360 学时 · 按上限计入 122（登记 150）· 尚差 238" in current  # recognised 100 counted as 72
    row_2026 = re.search(r'<tr data-year="2026".*?</tr>', current, re.S).group(0)
    assert re.findall(r'<td class="num">([\d.]+)</td>', row_2026) == ["20", "0", "30", "100", "150"]
    earlier = hours[hours.index('data-cycle="2021"'):].split("</table>", 1)[0]
    row_2025 = re.search(r'<tr data-year="2025".*?</tr>', earlier, re.S).group(0)
    assert 'class="short"' in row_2025 and "差 14 学时" in row_2025  # 10 of the yearly 24
    assert "差 24 学时" in re.search(r'<tr data-year="2022".*?</tr>', earlier, re.S).group(0)


def test_record_shows_the_annual_review_outcome_and_title_reasons(client, wang, officer):
    client.force_login(officer)
    page = client.get(record_url(wang)).content.decode()
    annual = section(page, "annual-review")
    outcome = re.search(r'<tr data-year="2025" data-outcome="warned">.*?</tr>', annual, re.S).group(0)
    assert "年度学时未达最低要求" in outcome and "年度考核基本合格" in outcome and "预警" in outcome
    titles = section(page, "titles")
    first = titles[titles.index('data-target="first"'):]
    assert 'data-eligible="no"' in first.split("</h3>")[0]
    unmet = dict(re.findall(r'data-requirement="(\w+)" class="unmet"><td>[^<]*</td><td>([^<]*)</td>', first))
    assert set(unmet) == {"cycle_hours", "level", "appraisals"}
    assert "122/360" in unmet["cycle_hours"] and "初级" in unmet["level"] and "中级" in unmet["level"]
    assert 'data-requirement="years" class="met"' in first


def test_record_composes_the_same_facts_for_code(wang, officer):
    record = teacher_record(user=officer, teacher_id=wang.pk)
    assert record is not None and record.current_level is not None and record.current_level.code == "basic"
    assert [row.status for row in record.certificates] == ["revoked", "valid"]
    current = record.hours.cycles[0] if record.hours else None
    assert current is not None and current.is_current and current.cycle.counted == 122
    assert [(o.year, o.outcome) for o in record.annual_outcomes] == [(2025, "warned"), (2025, "warned")]
    assert record.next_title == "first" and record.titles[0].target_title == "first"


def test_the_next_title_without_rules_says_so(client, people, officer):
    client.force_login(officer)
    titles = section(client.get(record_url(people.li)).content.decode(), "titles")
    assert 'data-target="first"' in titles and 'data-requirement="rule" class="unmet"' in titles


def test_full_id_number_appears_nowhere_and_the_view_is_logged(client, wang, officer):
    full = Teacher.objects.get(pk=wang.pk)
    client.force_login(officer)
    response = client.get(record_url(wang))
    assert "no-store" in response["Cache-Control"]
    from lms.api import decrypt_text

    id_number = decrypt_text(full.id_number_encrypted)
    assert id_number not in response.content.decode()
    entry = AccessLog.objects.get()
    assert (entry.action, entry.channel, entry.teacher_id_ref, entry.actor_id) == ("view", "page", wang.pk, officer.pk)
    assert entry.path == record_url(wang) and id_number not in entry.subject and wang.id_number_masked in entry.subject


def test_revealing_the_id_number_with_a_reason_shows_it_once_and_logs_the_reason(client, people, officer):
    client.force_login(officer)
    response = client.post(reveal_url(people.li), {"reason": f"  {REASON} "})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert people.li_id in page and REASON in page and "reveal-form" not in page
    entry = AccessLog.objects.get()
    assert (entry.action, entry.channel, entry.reason, entry.teacher_id_ref) == ("reveal", "page", REASON, people.li.pk)
    assert people.li_id not in entry.path and people.li_id not in entry.subject
    again = client.get(record_url(people.li)).content.decode()
    assert people.li_id not in again  # shown once: the next visit is masked again


@pytest.mark.parametrize("reason", ["", "   ", "看看"])
def test_revealing_without_a_real_reason_is_refused_and_not_logged_as_a_reveal(client, people, officer, reason):
    client.force_login(officer)
    response = client.post(reveal_url(people.li), {"reason": reason})
    assert response.status_code == 400 and "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert 'id="reveal-error"' in page and "请说明查看完整身份证号的事由（至少4个字）。" in page
    assert people.li_id not in page
    assert not AccessLog.objects.filter(action="reveal").exists()
    english = client.post(reveal_url(people.li), {"reason": reason}, headers={"accept-language": "en"})
    assert "Say why you need the full ID number (at least 4 characters)." in english.content.decode()


def test_reveal_outside_the_jurisdiction_is_not_found_and_a_get_is_refused(client, people, officer):
    client.force_login(officer)
    assert client.post(reveal_url(people.sun), {"reason": REASON}).status_code == 404
    assert client.get(reveal_url(people.li)).status_code == 405
    assert not AccessLog.objects.exists()


def test_outside_the_jurisdiction_looks_exactly_like_an_unknown_teacher(client, people, officer):
    client.force_login(officer)
    unknown_url = reverse("certification:personnel_record", args=[people.sun.pk + 1000])
    outside, unknown = client.get(record_url(people.sun)), client.get(unknown_url)
    assert outside.status_code == unknown.status_code == 404
    pages = [without_tokens(r.content.decode()).replace(url, "URL") for r, url in ((outside, record_url(people.sun)), (unknown, unknown_url))]
    assert pages[0] == pages[1] and "李明华" not in pages[0]
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize(("role", "at", "sees"), [
    (Role.PERSONNEL_OFFICER, "county_a1", "li zhao"),
    (Role.PERSONNEL_OFFICER, "city_a", "li zhao qian"),
    (Role.COUNTY_ADMIN, "county_a1", "li zhao"),
    (Role.CITY_ADMIN, "city_a", "li zhao qian"),
    (Role.PROVINCE_ADMIN, "province", "li zhao qian sun"),
    (Role.SCHOOL_ADMIN, "school_a1_1", "li"),
])
def test_each_reading_role_opens_records_of_its_own_subtree_only(client, people, tree, role, at, sees):
    client.force_login(make_user("reader", role=role, organisation=getattr(tree, at)))
    for name in ("li", "zhao", "qian", "sun"):
        expected = 200 if name in sees.split() else 404
        assert client.get(record_url(getattr(people, name))).status_code == expected, name


@pytest.mark.parametrize("who", ["own teacher", "reviewer", "outsider"])
def test_roles_that_do_not_read_certificates_are_refused(client, people, tree, who):
    user = {
        "own teacher": lambda: people.li.user,  # a teacher, even on their own record
        "reviewer": lambda: make_user("reviewer", role=Role.REVIEWER, organisation=tree.county_a1),
        "outsider": lambda: make_user("outsider"),
    }[who]()
    client.force_login(user)
    assert client.get(record_url(people.li)).status_code == 403
    assert client.post(reveal_url(people.li), {"reason": REASON}).status_code == 403
    assert not AccessLog.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, people):
    response = client.get(record_url(people.li))
    assert response.status_code == 302 and reverse("lms:login") in response.url
    assert client.post(reveal_url(people.li), {"reason": REASON}).status_code == 302
    assert not AccessLog.objects.exists()


def test_the_record_page_in_english(client, wang, officer):
    client.force_login(officer)
    page = client.get(record_url(wang), headers={"accept-language": "en"}).content.decode()
    for shown in ("Personnel record", "Current level", "Training hours", "Target 360 hours · counted 122 after caps",
                  "14 hours short", "Yearly hours below the minimum", "Appraisal: basically qualified",
                  "Towards First-grade teacher", "this cycle 122/360 hours (2026–2030)", "Professional misconduct"):
        assert shown in page, shown
