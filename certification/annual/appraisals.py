"""Import of annual appraisal grades (年度考核) from the personnel side: every row checked first, then all
written or none, with a row-numbered report. Teachers are found by ID number in one scoped look-up."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.api import (
    IdNumberError,
    access_log_record,
    mask_id_number,
    normalise_id_number,
    parse_id_number,
    teacher_ids_by_id_number,
)

from ..access import teachers_administered_by, user_can_administer_certificates
from ..models import AppraisalGrade, AppraisalImport, AppraisalRecord
from .spreadsheet import Cell, Table, table_read

ID, NAME, YEAR, GRADE = "身份证号", "姓名", "年度", "考核结果"
HEADERS = (ID, NAME, YEAR, GRADE)
REQUIRED = (ID, YEAR, GRADE)
GRADE_BY_LABEL = {
    "优秀": AppraisalGrade.EXCELLENT, "合格": AppraisalGrade.QUALIFIED, "称职": AppraisalGrade.QUALIFIED,
    "基本合格": AppraisalGrade.BASIC, "基本称职": AppraisalGrade.BASIC,
    "不合格": AppraisalGrade.UNQUALIFIED, "不称职": AppraisalGrade.UNQUALIFIED,
    "excellent": AppraisalGrade.EXCELLENT, "qualified": AppraisalGrade.QUALIFIED, "pass": AppraisalGrade.QUALIFIED,
    "basically qualified": AppraisalGrade.BASIC, "basic": AppraisalGrade.BASIC,
    "unqualified": AppraisalGrade.UNQUALIFIED, "fail": AppraisalGrade.UNQUALIFIED,
}


@dataclass
class Row:
    number: int
    id_number: str
    name: str
    year: str
    grade: str
    formula_in: str = ""
    id_numeric: bool = False
    message: str = ""
    teacher_id: int | None = None
    grade_code: str = ""


def grade_code_for(label: str) -> str:
    """优秀 / 合格 / 基本合格 / 不合格, the English labels or the codes → the grade code ('' if unknown)."""
    return GRADE_BY_LABEL.get(" ".join(label.split()).lower(), "")


def _rows_of(table: Table) -> list[Row]:
    header = [text.strip() for text in table.header]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ValidationError(
            _("Missing columns: %(columns)s. The first row must name the columns 身份证号, 姓名, 年度, 考核结果.")
            % {"columns": "、".join(missing)}, code="file",
        )
    where = {name: header.index(name) for name in HEADERS if name in header}

    def cell(cells: list[Cell], name: str) -> Cell:
        index = where.get(name)
        return cells[index] if index is not None and index < len(cells) else Cell(text="")

    rows = []
    for number, cells in table.rows:
        formulas = [name for name in HEADERS if cell(cells, name).formula]
        rows.append(Row(
            number=number, id_number=normalise_id_number(cell(cells, ID).text), name=cell(cells, NAME).text.strip(),
            year=cell(cells, YEAR).text.strip().removesuffix("年"), grade=cell(cells, GRADE).text.strip(),
            formula_in="、".join(formulas), id_numeric=cell(cells, ID).numeric,
        ))
    return rows


def _check_cells(row: Row, *, year: int) -> str:
    if row.formula_in:
        return _("Formula in %(columns)s: paste values only.") % {"columns": row.formula_in}
    blank = [name for name, value in ((ID, row.id_number), (YEAR, row.year), (GRADE, row.grade)) if not value]
    if blank:
        return _("Blank required cell: %(columns)s.") % {"columns": "、".join(blank)}
    try:
        parse_id_number(row.id_number)
    except IdNumberError as exc:
        if row.id_numeric:
            return _("The ID number is stored as a number, which loses digits; format the column as text.")
        return str(exc)
    if row.year != str(year):
        return _("The year %(found)s is not the year of this import (%(year)s).") % {"found": row.year, "year": year}
    if not grade_code_for(row.grade):
        return _("Unknown grade “%(grade)s”: use 优秀, 合格, 基本合格 or 不合格.") % {"grade": row.grade[:20]}
    return ""


def _check(rows: list[Row], *, user: Any, year: int) -> None:
    first_row_of: dict[str, int] = {}
    for row in rows:
        row.message = _check_cells(row, year=year)
        if row.message:
            continue
        if row.id_number in first_row_of:
            row.message = _("The same ID number as row %(row)s.") % {"row": first_row_of[row.id_number]}
            continue
        first_row_of[row.id_number] = row.number
        row.grade_code = grade_code_for(row.grade)
    wanted = [row.id_number for row in rows if not row.message]
    found = teacher_ids_by_id_number(user=user, id_numbers=wanted)
    # The administered subtree only; a teacher elsewhere gets the same message as an unknown number.
    names = dict(teachers_administered_by(user=user).filter(id__in=set(found.values())).values_list("id", "real_name"))
    for row in rows:
        if row.message:
            continue
        teacher_id = found.get(row.id_number)
        if teacher_id is None or teacher_id not in names:
            row.message = _("No teacher with this ID number in your jurisdiction.")
        elif row.name and row.name != names[teacher_id]:
            row.message = _("The name “%(name)s” does not match the ID number.") % {"name": row.name[:50]}
        else:
            row.teacher_id = teacher_id


def appraisal_import(*, user: Any, year: int, name: str, data: bytes) -> AppraisalImport:
    """Check every row; write all grades or none. A file that is no readable table raises ValidationError
    (nothing recorded); a table with bad rows is recorded as an import with its report and no grades."""
    if not user_can_administer_certificates(user=user):
        raise PermissionDenied(_("Only education bureau administrators import appraisal grades."))
    if not 2000 <= year <= timezone.localdate().year:
        raise ValidationError(_("Choose a year between 2000 and this year."), code="year")
    rows = _rows_of(table_read(name=name, data=data))
    _check(rows, user=user, year=year)
    problems = [
        {"row": row.number, "id": mask_id_number(row.id_number), "message": row.message} for row in rows if row.message
    ]
    with transaction.atomic():
        upload = AppraisalImport.objects.create(
            year=year, file_name=name[:200], rows=len(rows), problems=problems, uploaded_by=user
        )
        if not problems:
            upload.written = _write(rows, year=year, upload=upload)
            upload.save(update_fields=["written"])
    access_log_record(
        actor=user, action="import", subject=_("annual appraisal grades %(year)s") % {"year": year},
        object_count=len(rows),
    )
    return upload


def _write(rows: list[Row], *, year: int, upload: AppraisalImport) -> int:
    """Append a record where the teacher's standing grade for the year differs (re-uploading is harmless)."""
    standing: dict[int, str] = {}
    for teacher_id, grade in (
        AppraisalRecord.objects.filter(teacher_id__in=[row.teacher_id for row in rows], year=year)
        .order_by("teacher_id", "id").values_list("teacher_id", "grade")
    ):
        standing[teacher_id] = grade  # ordered by id: the last one stands
    new = [
        AppraisalRecord(teacher_id=row.teacher_id or 0, year=year, grade=row.grade_code, source=upload)
        for row in rows if standing.get(row.teacher_id or 0) != row.grade_code
    ]
    AppraisalRecord.objects.bulk_create(new, batch_size=2000)
    return len(new)


def template_csv() -> bytes:
    out = io.StringIO()
    csv.writer(out).writerow(HEADERS)
    return out.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "年度考核"
    sheet.append(list(HEADERS))
    for column, width in zip("ABCD", (24, 12, 8, 12), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2, max_row=2001, min_col=1, max_col=1):
        row[0].number_format = "@"  # ID numbers as text: 18 digits do not survive as a number
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
