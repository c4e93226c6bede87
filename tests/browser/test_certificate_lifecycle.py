"""In Chromium, the certificate's whole life: a teacher not yet eligible sees what she lacks; she becomes
eligible, the nightly run issues her certificate, she downloads the PDF (Chinese text checked by extraction);
a stranger verifies it on the public page (name masked); the county administrator suspends it with a reason
and the public page says so."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from certification.issuance_tasks import certificates_issue_nightly
from certification.models import Certificate
from tests.browser.conftest import log_in
from tests.certification_setup import cert_world, competencies_pass, hours_give
from tests.factories import PASSWORD, Role, build_tree, make_teacher, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def world():
    world = cert_world(build_tree())
    teacher = make_teacher(school=world.tree.school_a1_1, real_name="周晓梅")
    teacher.user.username = "teacher_zhou"
    teacher.user.set_password(PASSWORD)
    teacher.user.save()
    competencies_pass(teacher, ["A1", "A3"])
    hours_give(teacher, hours=30, kind="school_based")
    hours_give(teacher, hours=20, kind="online")
    make_user("county_a1_admin", role=Role.COUNTY_ADMIN, organisation=world.tree.county_a1)
    world.teacher = teacher  # type: ignore[attr-defined]
    return world


def _context(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def test_eligible_issued_downloaded_verified_suspended(browser, live_server, world, tmp_path: Path):
    teacher_page = _context(browser)
    log_in(teacher_page, live_server, "teacher_zhou", PASSWORD)
    teacher_page.goto(f"{live_server.url}/certificates/")
    basic = teacher_page.locator("section.eligibility[data-level=basic]")
    assert basic.locator("[data-eligible=no]").count() == 1
    assert "已通过 2/3 个" in basic.inner_text()

    competencies_pass(world.teacher, ["A6"])  # her third competency passes review
    assert certificates_issue_nightly() == {"basic": 1, "middle": 0, "high": 0}
    certificate = Certificate.objects.get(teacher=world.teacher)

    teacher_page.reload()
    card = teacher_page.locator(f"article.certificate[data-number='{certificate.number}']")
    assert "初级" in card.inner_text() and card.get_attribute("data-status") == "valid"
    with teacher_page.expect_download() as download_info:
        card.locator("a.download-pdf").click()
    pdf = tmp_path / "certificate.pdf"
    download_info.value.save_as(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "周晓梅" in text and certificate.number in text and "甲一县教育局" in text

    stranger = _context(browser)
    stranger.goto(f"{live_server.url}/verify/")
    stranger.fill("input[name=number]", certificate.number)
    stranger.fill("input[name=name]", "周晓梅")
    stranger.click("form.verify-form button[type=submit]")
    stranger.wait_for_load_state("networkidle")
    body = stranger.inner_text("main")
    assert "有效" in body and "初级" in body and "周*梅" in body and "周晓梅" not in body

    admin = _context(browser)
    log_in(admin, live_server, "county_a1_admin", PASSWORD)
    admin.goto(f"{live_server.url}/certificates/manage/")
    admin.click(f"text={certificate.number}")
    admin.select_option("select[name=action]", "suspend")
    admin.select_option("select[name=reason_code]", "misconduct")
    admin.fill("textarea[name=reason_text]", "师德问题调查期间")
    admin.click("form.status-form button[type=submit]")
    admin.wait_for_load_state("networkidle")
    assert admin.locator("dd[data-status=suspended]").count() == 1
    assert "师德问题调查期间" in admin.inner_text("table.certificate-history")

    stranger.goto(f"{live_server.url}/verify/{certificate.number}/")
    body = stranger.inner_text("main")
    assert "暂停" in body and "师德" not in body  # the status, never the reason
