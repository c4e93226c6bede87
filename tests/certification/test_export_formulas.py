"""Spreadsheets the office downloads never carry a formula: a school whose name starts with = (typed by an
administrator) is written as text in the report workbook and the bulk look-up result."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from certification.bulk.services import bulk_lookup_create, bulk_lookup_run
from lms.api import Organisation, decrypt_text
from tests.certification.test_bulk_upload_checks import xlsx_bytes
from tests.certification.test_titles_rules import TODAY, candidate, first_rule
from tests.certification_setup import cert_world
from tests.factories import Role, make_user

pytestmark = pytest.mark.django_db

NAME = '=HYPERLINK("http://x.example","学校")'


@pytest.fixture
def teacher(tree):
    world = cert_world(tree)
    first_rule(world)
    Organisation.objects.filter(pk=tree.school_a1_1.pk).update(name=NAME)
    return candidate(world, real_name="王合格")


def _cells(workbook) -> list[openpyxl.cell.Cell]:
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]


def test_the_report_workbook_writes_the_name_as_text(client, tree, teacher):
    client.force_login(make_user("county", role=Role.COUNTY_ADMIN, organisation=tree.county_a1))
    response = client.get(reverse("certification:report_completion"), {"node": tree.county_a1.pk, "format": "xlsx"})
    assert response.status_code == 200
    cells = _cells(openpyxl.load_workbook(io.BytesIO(response.content)))
    assert "'" + NAME in [cell.value for cell in cells]
    assert not [cell for cell in cells if cell.data_type == "f"]


def test_the_bulk_result_writes_the_name_as_text(tree, teacher, settings):
    officer = make_user("officer", role=Role.PERSONNEL_OFFICER, organisation=tree.county_a1)
    data = xlsx_bytes([["身份证号"], [decrypt_text(teacher.id_number_encrypted)]])
    lookup = bulk_lookup_create(user=officer, name="名单.xlsx", data=data, title="first", reason="审核")
    lookup = bulk_lookup_run(lookup_id=lookup.pk, today=TODAY)
    cells = _cells(openpyxl.load_workbook(Path(settings.PRIVATE_ROOT) / lookup.result_path))
    assert "'" + NAME in [cell.value for cell in cells]
    assert not [cell for cell in cells if cell.data_type == "f"]
