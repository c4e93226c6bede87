"""Framework files: CSV and JSON to node rows and back. A row is {"kind", "code", "name", "parent", "row"}.

"row" is the number an administrator finds the node by: the CSV line (the header is line 1) or the JSON
node's place (1-based, depth first). The importer reports every problem against it.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from assessments.models import CapabilityFramework

COLUMNS = ("kind", "code", "name", "parent")
NodeRow = dict[str, Any]


def framework_rows_from_csv(text: str) -> list[NodeRow]:
    """Rows of a CSV with the columns kind, code, name, parent (any order, extra columns ignored).

    A UTF-8 byte-order mark, Windows line endings and spaces around values or headers are tolerated.
    """
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None or not any(cell.strip() for cell in header):
        raise ValidationError(_("The CSV file is empty: expected a header row %(columns)s.") % {
            "columns": ", ".join(COLUMNS)
        })
    names = [cell.strip().lower() for cell in header]
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        raise ValidationError(
            _("The CSV file has no column %(missing)s (the header must name %(columns)s).")
            % {"missing": ", ".join(missing), "columns": ", ".join(COLUMNS)}
        )
    index = {column: names.index(column) for column in COLUMNS}
    rows: list[NodeRow] = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        row: NodeRow = {
            column: (cells[at].strip() if at < len(cells) else "") for column, at in index.items()
        }
        row["row"] = reader.line_num
        rows.append(row)
    return rows


def framework_rows_from_json(data: Any) -> list[NodeRow]:
    """Rows of a framework document: {"code", "version", "name", "nodes": [...]}, or the bare node list.

    Nodes are flat ({"kind", "code", "name", "parent"}) or nested ({"kind", "code", "name", "children"}),
    or a mix: a child's parent is the node it is nested in.
    """
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data)
        except ValueError as error:
            raise ValidationError(_("The JSON file cannot be read: %(error)s") % {"error": error}) from error
    nodes = data.get("nodes") if isinstance(data, dict) else data
    if not isinstance(nodes, list):
        raise ValidationError(_('The JSON document must be an object with a "nodes" list, or a list of nodes.'))
    rows: list[NodeRow] = []
    problems: list[str] = []
    _flatten(nodes, parent=None, rows=rows, problems=problems)
    if problems:
        raise ValidationError(problems)
    return rows


def _flatten(nodes: list[Any], *, parent: str | None, rows: list[NodeRow], problems: list[str]) -> None:
    for node in nodes:
        number = len(rows) + 1
        if not isinstance(node, dict):
            problems.append(_("row %(row)d: a node must be an object") % {"row": number})
            rows.append({"kind": "", "code": "", "name": "", "parent": "", "row": number})
            continue
        row: NodeRow = {column: _text(node.get(column)) for column in COLUMNS}
        if parent is not None:
            row["parent"] = parent
        row["row"] = number
        rows.append(row)
        children = node.get("children")
        if children is None:
            continue
        if not isinstance(children, list):
            problems.append(_('row %(row)d: "children" must be a list') % {"row": number})
            continue
        _flatten(children, parent=row["code"], rows=rows, problems=problems)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def framework_export_rows(framework: CapabilityFramework) -> list[NodeRow]:
    """The nodes of one framework version as rows (kind, code, name, parent), parents before children."""
    nodes = framework.nodes.select_related("parent").order_by("position", "pk")
    return [
        {"kind": node.kind, "code": node.code, "name": node.name, "parent": node.parent.code if node.parent else ""}
        for node in nodes
    ]


def framework_to_json(framework: CapabilityFramework) -> dict[str, Any]:
    """The framework document in the flat JSON form that framework_rows_from_json reads back."""
    return {
        "code": framework.code,
        "version": framework.version,
        "name": framework.name,
        "nodes": framework_export_rows(framework),
    }


def framework_rows_to_csv(rows: list[NodeRow]) -> str:
    """CSV text with the columns kind, code, name, parent (other keys, such as "row", are left out)."""
    out = io.StringIO()
    # CRLF as RFC 4180 and Excel expect; it also makes the writer quote a value holding a bare "\r".
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def framework_to_csv(framework: CapabilityFramework) -> str:
    """The framework's nodes as CSV text (kind, code, name, parent; CRLF line ends, no byte-order mark)."""
    return framework_rows_to_csv(framework_export_rows(framework))
