"""Import of external hours (.csv/.xlsx): every row checked first, then all written or none."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from courses.models import HoursEntry, HoursImport, HoursImportStatus, HoursKind, HoursSource
from lms.api import (
    IdNumberError,
    access_log_record,
    mask_id_number,
    normalise_id_number,
    parse_id_number,
    teacher_ids_by_id_number,
    teachers_visible_to,
)

from .hours import hours_award, hours_entry_validate, user_can_record_hours

HEADERS = ("身份证号", "学时", "类别", "年度", "来源", "备注")
REQUIRED_HEADERS = HEADERS[:5]
MAX_BYTES = 2 * 1024 * 1024
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024  # a small .xlsx that inflates past this is refused unread
MAX_ROWS = 2000  # checked synchronously, one jurisdiction-scoped look-up per row (~4 s per 1,000 rows)
KIND_BY_LABEL = {
    "网络研修": HoursKind.ONLINE,
    "集中培训": HoursKind.CENTRALISED,
    "校本研修": HoursKind.SCHOOL_BASED,
    "认定活动": HoursKind.RECOGNISED,
    **{kind.value: kind for kind in HoursKind},
}
@dataclass
class RowResult:
    row: int
    id_masked: str
    message: str = ""
    teacher_id: int | None = None
    hours: Decimal | None = None
    kind: str = ""
    year: int | None = None
    source: str = ""
    note: str = ""

    @property
    def ok(self) -> bool:
        return not self.message

    def as_report(self) -> dict[str, object]:
        return {"row": self.row, "id": self.id_masked, "ok": self.ok, "message": self.message}


@dataclass
class ParsedFile:
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_csv(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(_("The file is neither UTF-8 nor GB18030 text."))
    try:
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    except csv.Error:
        raise ValidationError(_("The file is not a readable CSV table.")) from None


def _refuse_zip_bomb(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise ValidationError(_("The file is not a readable .xlsx workbook.")) from None
    if inflated > MAX_UNZIPPED_BYTES:
        raise ValidationError(_("The workbook unpacks to more than 50 MB; it is refused."))


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    _refuse_zip_bomb(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise ValidationError(_("The file is not a readable .xlsx workbook.")) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append([_cell(value) for value in values])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def hours_file_read(*, name: str, stream: IO[bytes]) -> list[tuple[int, dict[str, str]]]:
    """(spreadsheet row number, cells by header) for each non-empty data row; header is row 1."""
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 2 MB; split it."))
    lowered = name.lower()
    if lowered.endswith(".csv"):
        table = _read_csv(data)
    elif lowered.endswith(".xlsx"):
        table = _read_xlsx(data)
    else:
        raise ValidationError(_("Upload a .csv or .xlsx file."))
    if not table:
        raise ValidationError(_("The file is empty."))
    header = [cell.strip() for cell in table[0]]
    missing = [h for h in REQUIRED_HEADERS if h not in header]
    if missing:
        raise ValidationError(_("Missing columns: %(columns)s") % {"columns": "、".join(missing)})
    if len(table) - 1 > MAX_ROWS:
        raise ValidationError(_("At most %(max)s rows per file.") % {"max": MAX_ROWS})
    positions = {h: header.index(h) for h in HEADERS if h in header}
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(cell for cell in cells):
            continue
        rows.append((number, {h: (cells[i] if i < len(cells) else "") for h, i in positions.items()}))
    if not rows:
        raise ValidationError(_("The file has no data rows."))
    return rows


def _check_row(teacher_ids: dict[str, int], number: int, cells: dict[str, str]) -> RowResult:
    id_number = normalise_id_number(cells.get("身份证号", ""))
    result = RowResult(row=number, id_masked=mask_id_number(id_number))
    try:
        parse_id_number(id_number)
    except IdNumberError as exc:
        result.message = str(exc)
        return result
    teacher = teacher_ids.get(id_number)
    if teacher is None:
        result.message = _("No teacher with this ID number in your jurisdiction.")
        return result
    kind = KIND_BY_LABEL.get(cells.get("类别", "").strip(), "")
    if not kind:
        result.message = _("Unknown kind %(kind)s: use 网络研修, 集中培训, 校本研修 or 认定活动.") % {
            "kind": cells.get("类别", "") or "-"
        }
        return result
    try:
        hours, kind, year = hours_entry_validate(hours=cells.get("学时", ""), kind=kind, year=cells.get("年度", ""))
    except ValidationError as exc:
        result.message = " ".join(exc.messages)
        return result
    source = cells.get("来源", "").strip()
    if not source:
        result.message = _("The source (来源) is missing.")
        return result
    result.teacher_id, result.hours, result.kind, result.year = teacher, hours, kind, year
    result.source, result.note = source[:200], cells.get("备注", "").strip()[:500]
    return result


def _mark_duplicates(results: list[RowResult]) -> None:
    """Same teacher, source, year and hours twice in the file, or already (and not reversed) in the ledger."""
    good = [r for r in results if r.ok]
    in_ledger = set(
        HoursEntry.objects.filter(
            teacher_id__in={r.teacher_id for r in good},
            source_label__in={r.source for r in good},
            reverses__isnull=True,
            reversed_by__isnull=True,
        ).values_list("teacher_id", "source_label", "year", "hours")
    )
    seen: dict[tuple[object, ...], int] = {}
    for result in good:
        key = (result.teacher_id, result.source, result.year, result.hours)
        if key in in_ledger:
            result.message = _("Already in the ledger (same teacher, source, year and hours).")
        elif key in seen:
            result.message = _("Duplicate of row %(row)s.") % {"row": seen[key]}
        else:
            seen[key] = result.row


def hours_import_run(*, uploader: User, name: str, stream: IO[bytes]) -> HoursImport:
    """Check every row; if any fails nothing is written and the report says which rows and why."""
    if not user_can_record_hours(user=uploader):
        raise PermissionDenied(_("Only administrators may import hours."))
    rows = hours_file_read(name=name, stream=stream)
    teacher_ids = teacher_ids_by_id_number(
        user=uploader, id_numbers=[normalise_id_number(cells.get("身份证号", "")) for _number, cells in rows]
    )
    results = [_check_row(teacher_ids, number, cells) for number, cells in rows]
    access_log_record(
        actor=uploader, action="import", subject=_("Hours import: %(file)s") % {"file": name[:150]},
        object_count=len(results),
    )
    with transaction.atomic():
        # Two uploads of one file at once: the second waits here, then finds the first's rows in the ledger.
        to_lock = sorted({r.teacher_id for r in results if r.teacher_id is not None})
        list(teachers_visible_to(uploader).filter(pk__in=to_lock).order_by("pk").select_for_update()
             .values_list("pk", flat=True))
        _mark_duplicates(results)
        errors = sum(1 for r in results if not r.ok)
        record = HoursImport.objects.create(
            uploaded_by=uploader,
            filename=name[:200],
            status=HoursImportStatus.REJECTED if errors else HoursImportStatus.DONE,
            row_count=len(results),
            error_count=errors,
            imported_count=0 if errors else len(results),
            report=[r.as_report() for r in results],
        )
        if not errors:
            for result in results:
                reference = f"import:{record.pk}:row {result.row}"
                hours_award(
                    teacher_id=result.teacher_id,  # type: ignore[arg-type]
                    hours=result.hours,
                    kind=result.kind,
                    year=result.year,
                    source_type=HoursSource.IMPORT,
                    source_ref=reference,
                    source_label=result.source,
                    idempotency_key=reference,
                    recognised_by=uploader,
                    note=result.note,
                )
        log(instance=record, action="courses.hours_import", user=uploader,
            data={"file": record.filename, "status": record.status, "rows": record.row_count, "errors": errors})
    return record


def hours_import_report_csv(record: HoursImport) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["行号", "身份证号（脱敏）", "结果", "说明"])
    for line in record.report:
        writer.writerow([line["row"], line["id"], "通过" if line["ok"] else "错误", line["message"]])
    return "\ufeff" + out.getvalue()


def hours_import_template_csv() -> str:
    return "\ufeff" + ",".join(HEADERS) + "\n"
