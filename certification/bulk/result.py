"""The result workbook of a bulk look-up, written row by row as the chunks are answered (openpyxl's
write-only mode: memory stays flat however many rows)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _, pgettext

from lms.api import xlsx_safe

from ..models import CertificateStatus
from .lookup import BulkAnswer, target_title_label

WIDTHS = (8, 22, 20, 12, 28, 12, 12, 12, 12, 12, 14, 16, 60)


def result_headers() -> list[str]:
    """Column titles in the active language (行号, 身份证号, 查询结果 … in Chinese)."""
    return [
        pgettext("bulk result column", "Row"), pgettext("bulk result column", "ID number"),
        pgettext("bulk result column", "Look-up result"), pgettext("bulk result column", "Name"),
        pgettext("bulk result column", "School"), pgettext("bulk result column", "Certification level"),
        pgettext("bulk result column", "Certificate status"), pgettext("bulk result column", "Valid until"),
        pgettext("bulk result column", "Hours this cycle"), pgettext("bulk result column", "Cycle target hours"),
        pgettext("bulk result column", "Target title"), pgettext("bulk result column", "Meets the promotion conditions"),
        pgettext("bulk result column", "Unmet conditions"),
    ]


class ResultWorkbook:
    """Rows in, a .xlsx file out; the texts that repeat on every row are translated once."""

    def __init__(self, *, cycle_target: Any, target_title: str) -> None:
        from openpyxl import Workbook

        self.workbook = Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(pgettext("bulk result sheet", "Look-up result")[:31])
        self.sheet.freeze_panes = "A2"
        for index, width in enumerate(WIDTHS):
            self.sheet.column_dimensions[chr(ord("A") + index)].width = width
        self.sheet.append(result_headers())
        self.cycle_target = cycle_target
        self.target_label = target_title_label(target_title)
        self.not_in_jurisdiction = _("Not in your jurisdiction")
        self.found_text = _("Found")
        self.no_certificate = _("No certificate")
        self.yes, self.no = _("Yes"), _("No")
        self.statuses = {value: str(label) for value, label in CertificateStatus.choices}

    def not_found_row(self, answer: BulkAnswer) -> list[Any]:
        # Unknown and outside the jurisdiction: this one row shape, so existence cannot be told apart.
        return [answer.row, answer.id_number, self.not_in_jurisdiction] + [None] * 10

    def found_row(self, answer: BulkAnswer) -> list[Any]:
        teacher, certificate, eligibility = answer.teacher, answer.certificate, answer.eligibility
        assert teacher is not None
        record: list[Any] = [answer.row, answer.id_number, self.found_text, teacher.real_name, teacher.school.name]
        if certificate is None:
            record += [None, self.no_certificate, None]
        else:
            record += [certificate.level_name, self.statuses.get(certificate.status, certificate.status),
                       certificate.valid_until.isoformat()]
        record += [answer.cycle_counted, self.cycle_target if answer.cycle_counted is not None else None]
        if eligibility is None:
            record += [None, None, None]
        else:
            record += [self.target_label, self.yes if eligibility.eligible else self.no, "；".join(eligibility.unmet) or None]
        return record

    def append(self, answer: BulkAnswer) -> None:
        row = self.found_row(answer) if answer.teacher is not None else self.not_found_row(answer)
        self.sheet.append([xlsx_safe(value) for value in row])

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.workbook.save(path)
