"""In Chromium, a county personnel officer's day: she finds a teacher by name (a teacher of another county
is not found), opens the record, reveals the ID number with a reason, runs a bulk look-up whose file holds
numbers from another county and an unknown one, downloads the result (both answered alike: not in her
jurisdiction), and the access log viewer shows every one of those looks, filterable by how it happened."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from lms.api import decrypt_text
from lms.models import AccessLog, Teacher
from tests.browser.conftest import log_in
from tests.certification.test_titles_rules import candidate, first_rule
from tests.certification_setup import cert_world
from tests.factories import PASSWORD, Role, build_tree, make_user, new_id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NOT_HERE = "不在您的管辖范围内"
REVEAL_REASON = "职称评审材料核对"
BULK_REASON = "2026年职称评审资格审核"


@pytest.fixture
def world():
    world = cert_world(build_tree())
    first_rule(world)
    tree = world.tree
    world.ready = candidate(world, real_name="王合格")  # type: ignore[attr-defined]
    world.short = candidate(world, real_name="李学时", school=tree.school_a1_2, hours=100)  # type: ignore[attr-defined]
    world.other_county = candidate(world, real_name="孙甲二", school=tree.school_a2_1)  # type: ignore[attr-defined]
    make_user("officer_a1", role=Role.PERSONNEL_OFFICER, organisation=tree.county_a1)
    return world


def _context(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _id(teacher: Teacher) -> str:
    return decrypt_text(teacher.id_number_encrypted)


def _search(page, query: str) -> None:
    page.fill("form.search input[name=q]", query)
    page.click("form.search button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_officer_searches_reveals_bulk_looks_up_and_sees_it_all_in_the_access_log(browser, live_server, world, tmp_path: Path):
    page = _context(browser)
    log_in(page, live_server, "officer_a1", PASSWORD)

    # From her workspace to the look-up; another county's teacher is simply not found.
    page.goto(f"{live_server.url}/manage/")
    page.locator("main").get_by_role("link", name="人事查询", exact=True).click()
    _search(page, "孙甲二")
    assert page.locator("#no-results").is_visible()
    _search(page, "王合格")
    rows = page.locator("#personnel-results tbody tr[data-teacher]")
    assert rows.count() == 1 and "中级" in rows.first.inner_text()
    full_id = _id(world.ready)
    assert full_id not in page.content()  # masked in the results

    rows.first.locator("a").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#current-level [data-level=middle]").count() == 1
    assert full_id not in page.locator("#id-number").inner_text()

    # Revealing the ID number needs a reason; with one, the full number shows once.
    page.fill(".reveal-form input[name=reason]", REVEAL_REASON)
    page.click(".reveal-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#id-number [data-revealed=yes]").inner_text() == full_id

    # A bulk look-up: her two teachers, another county's teacher and a number nobody has.
    numbers = [_id(world.ready), _id(world.short), _id(world.other_county), new_id_number()]
    workbook = openpyxl.Workbook()
    workbook.active.append(["身份证号"])
    for number in numbers:
        workbook.active.append([number])
    upload = tmp_path / "评审名单.xlsx"
    workbook.save(upload)

    page.goto(f"{live_server.url}/manage/")
    page.locator("main").get_by_role("link", name="批量查询", exact=True).click()
    page.set_input_files("form.bulk-upload input[type=file]", str(upload))
    page.select_option("form.bulk-upload select[name=title]", "first")
    page.fill("form.bulk-upload input[name=reason]", BULK_REASON)
    page.click("form.bulk-upload button[type=submit]")
    page.wait_for_selector("#bulk-state[data-state=done]")
    assert page.locator("#bulk-found").inner_text() == "2"
    assert page.locator("#bulk-progress").get_attribute("value") == "100"
    with page.expect_download() as download_info:
        page.click("a.download-result")
    result = tmp_path / "result.xlsx"
    download_info.value.save_as(result)
    sheet = openpyxl.load_workbook(result).active
    answers = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert answers[numbers[0]][2:4] == ("已找到", "王合格") and answers[numbers[0]][5] == "中级"
    assert answers[numbers[1]][3] == "李学时"
    # Another county's teacher and an unknown number: the same answer, nothing else on the row.
    assert answers[numbers[2]][2:] == answers[numbers[3]][2:] == (NOT_HERE,) + (None,) * 10

    # The access log viewer: every look she made, with how and why.
    page.goto(f"{live_server.url}/manage/")
    page.locator("main").get_by_role("link", name="访问日志", exact=True).click()
    page.wait_for_load_state("networkidle")
    log = page.locator("#access-log tbody tr[data-action]")
    seen = {(log.nth(i).get_attribute("data-action"), log.nth(i).get_attribute("data-channel")) for i in range(log.count())}
    assert {("list", "page"), ("view", "page"), ("reveal", "page"), ("query", "bulk"), ("export", "bulk")} <= seen
    reveal_row = page.locator("#access-log tr[data-action=reveal]")
    assert REVEAL_REASON in reveal_row.inner_text() and "王合格" in reveal_row.inner_text()
    assert full_id not in page.content()  # the log shows who, not the number

    page.select_option("#access-log-filter select[name=channel]", "bulk")
    page.click("#access-log-filter button[type=submit]")
    page.wait_for_load_state("networkidle")
    log = page.locator("#access-log tbody tr[data-action]")
    assert log.count() >= 1
    assert {log.nth(i).get_attribute("data-channel") for i in range(log.count())} == {"bulk"}
    assert BULK_REASON in log.first.inner_text()

    # The database agrees: the bulk job logged only the two teachers of her county.
    bulk_subjects = set(AccessLog.objects.filter(channel="bulk").values_list("teacher_id_ref", flat=True))
    assert bulk_subjects == {world.ready.pk, world.short.pk, None}  # None: the job's and the download's entries
