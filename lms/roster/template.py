"""The empty roster template: the Chinese header row and one example row, as .xlsx or .csv."""

from __future__ import annotations

import csv
import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from lms.idcard import make_id_number
from lms.vocab import EmploymentStatus, Gender, SchoolStage, Subject, Title

from .columns import COLUMNS, TEMPLATE_HEADERS
from .report import REPORT_ENCODING
from .vocabulary import chinese_spelling

EXAMPLE_SCHOOL_CODE = "1101010001"
# Columns typed as text, so that Excel keeps all 18 (or 17) digits.
TEXT_COLUMNS = {"id_number", "qualification_number", "school_code"}


def example_row(*, school_code: str = EXAMPLE_SCHOOL_CODE) -> list[str]:
    birth = dt.date(1988, 6, 15)
    values = {
        "real_name": "张三",
        "id_number": make_id_number("110105", birth, 123),
        "gender": chinese_spelling(Gender, Gender.MALE),
        "birth_date": birth.isoformat(),
        "school_code": school_code,
        "stage": chinese_spelling(SchoolStage, SchoolStage.PRIMARY),
        "subject": chinese_spelling(Subject, Subject.MATHS),
        "title": chinese_spelling(Title, Title.SECOND),
        "title_conferred_on": "2015-09-01",
        "qualification_number": "20101100000000123",
        "employment_status": chinese_spelling(EmploymentStatus, EmploymentStatus.ACTIVE),
    }
    return [values[column.key] for column in COLUMNS]


def template_xlsx(*, school_code: str = EXAMPLE_SCHOOL_CODE) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "花名册"
    sheet.append(list(TEMPLATE_HEADERS))
    sheet.append(example_row(school_code=school_code))
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 22 if column.key in TEXT_COLUMNS else 14
        sheet.cell(row=1, column=index).font = Font(bold=True)
        if column.key in TEXT_COLUMNS:
            sheet.column_dimensions[letter].number_format = "@"
            sheet.cell(row=2, column=index).number_format = "@"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_csv(*, school_code: str = EXAMPLE_SCHOOL_CODE) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(TEMPLATE_HEADERS)
    writer.writerow(example_row(school_code=school_code))
    return buffer.getvalue().encode(REPORT_ENCODING)
