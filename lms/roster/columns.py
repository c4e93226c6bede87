"""The roster's columns: Chinese headers (data, not UI text), English aliases, which are required."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Chinese header written in the template
    aliases: tuple[str, ...]
    required: bool = True


COLUMNS: tuple[Column, ...] = (
    Column("real_name", "姓名", ("name", "real name", "real_name", "full name")),
    Column("id_number", "身份证号", ("身份证号码", "身份证", "id number", "id_number", "id card number")),
    Column("gender", "性别", ("gender", "sex"), required=False),
    Column("birth_date", "出生日期", ("birth date", "birth_date", "date of birth", "birthday"), required=False),
    Column("school_code", "学校代码", ("学校标识码", "school code", "school_code")),
    Column("stage", "学段", ("stage", "school stage", "school_stage")),
    Column("subject", "学科", ("任教学科", "subject")),
    Column("title", "职称", ("title",)),
    Column("title_conferred_on", "职称取得日期", ("title date", "title_date", "title conferred on", "title_conferred_on")),
    Column(
        "qualification_number",
        "教师资格证书编号",
        ("教师资格证编号", "教师资格证号", "qualification number", "qualification_number", "certificate number"),
    ),
    Column("employment_status", "任职状态", ("employment status", "employment_status", "status")),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
TEMPLATE_HEADERS: tuple[str, ...] = tuple(column.header for column in COLUMNS)
REQUIRED_HEADERS: tuple[str, ...] = tuple(column.header for column in COLUMNS if column.required)
OPTIONAL_HEADERS: tuple[str, ...] = tuple(column.header for column in COLUMNS if not column.required)


def _normalise_header(text: str) -> str:
    return " ".join(str(text or "").replace("\ufeff", "").replace("（", "(").split()).lower()


_HEADER_LOOKUP: dict[str, str] = {
    _normalise_header(name): column.key for column in COLUMNS for name in (column.header, *column.aliases)
}


class HeaderError(ValueError):
    """The header row cannot be used; the message names the columns."""


@dataclass(frozen=True)
class HeaderMap:
    """Where each known column sits in the file, and the header text the uploader wrote for it."""

    positions: dict[str, int]
    labels: dict[str, str]

    def label(self, key: str) -> str:
        return self.labels.get(key, COLUMNS_BY_KEY[key].header)


def map_header(cells: list[str]) -> HeaderMap:
    """Match the header row to our columns; unknown columns are ignored, missing required ones refused."""
    positions: dict[str, int] = {}
    labels: dict[str, str] = {}
    for index, cell in enumerate(cells):
        key = _HEADER_LOOKUP.get(_normalise_header(cell))
        if key is None:
            continue
        if key in positions:
            raise HeaderError(_("The column %(column)s appears twice in the header row.") % {"column": cell.strip()})
        positions[key] = index
        labels[key] = cell.strip()
    missing = [column.header for column in COLUMNS if column.required and column.key not in positions]
    if missing:
        raise HeaderError(
            _("The header row (row 1) is missing required columns: %(columns)s.") % {"columns": "、".join(missing)}
        )
    return HeaderMap(positions=positions, labels=labels)
