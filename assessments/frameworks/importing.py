"""Import one framework version from node rows: everything is checked first, then written all at once.

A version is immutable: importing it again with the same content returns it unchanged, with other content
it is refused (a new version number is needed). A new version adds new nodes and never touches the nodes of
older versions, so results recorded against an old version keep pointing at the nodes they were graded on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from assessments.frameworks.formats import framework_export_rows
from assessments.models import CapabilityFramework, FrameworkNode, NodeKind

CODE_MAX = FrameworkNode._meta.get_field("code").max_length or 40
NAME_MAX = FrameworkNode._meta.get_field("name").max_length or 200
FRAMEWORK_CODE_MAX = CapabilityFramework._meta.get_field("code").max_length or 40
FRAMEWORK_NAME_MAX = CapabilityFramework._meta.get_field("name").max_length or 200

# The only nesting allowed: tier → dimension → competency.
PARENT_KIND: dict[str, str | None] = {
    NodeKind.TIER.value: None,
    NodeKind.DIMENSION.value: NodeKind.TIER.value,
    NodeKind.COMPETENCY.value: NodeKind.DIMENSION.value,
}

Node = tuple[str, str, str, str]  # kind, code, name, parent code ("" at the top)


def _cell(row: Mapping[str, Any], column: str) -> str:
    value = row.get(column)
    return "" if value is None else str(value).strip()


def framework_rows_check(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Every problem of the rows, each as "row N: …"; an empty list when they form a valid tree."""
    problems: list[str] = []
    if not rows:
        return [_("The framework has no nodes.")]
    seen: dict[str, tuple[int, str]] = {}  # code → (row, kind) of the rows read so far
    all_codes = {_cell(row, "code"): row.get("row", at + 1) for at, row in enumerate(rows)}
    for at, row in enumerate(rows):
        number = int(row.get("row", at + 1))
        kind, code, name, parent = (_cell(row, column) for column in ("kind", "code", "name", "parent"))

        def problem(message: str, **values: Any) -> None:
            problems.append(_("row %(row)d: ") % {"row": number} + message % values)

        if kind not in PARENT_KIND:
            problem(_('unknown kind "%(kind)s" (expected tier, dimension or competency)'), kind=kind)
        if not code:
            problem(_("the code is empty"))
        elif len(code) > CODE_MAX:
            problem(_("the code is longer than %(max)d characters"), max=CODE_MAX)
        elif code in seen:
            problem(_('the code "%(code)s" is already used on row %(other)d'), code=code, other=seen[code][0])
        if not name:
            problem(_("the name is empty"))
        elif len(name) > NAME_MAX:
            problem(_("the name is longer than %(max)d characters"), max=NAME_MAX)
        if kind in PARENT_KIND:
            expected = PARENT_KIND[kind]
            if expected is None and parent:
                problem(_('a tier sits at the top and has no parent (found "%(parent)s")'), parent=parent)
            elif expected is not None and not parent:
                problem(_("a %(kind)s needs a parent %(expected)s"), kind=kind, expected=expected)
            elif expected is not None and parent == code:
                problem(_("a node cannot be its own parent"))
            elif expected is not None and parent not in seen:
                if parent in all_codes:
                    problem(
                        _('the parent "%(parent)s" must come before this row (it is on row %(other)d)'),
                        parent=parent, other=all_codes[parent],
                    )
                else:
                    problem(_('the parent "%(parent)s" is not defined'), parent=parent)
            elif expected is not None and seen[parent][1] != expected:
                problem(
                    _('a %(kind)s must sit under a %(expected)s, but "%(parent)s" is a %(actual)s'),
                    kind=kind, expected=expected, parent=parent, actual=seen[parent][1],
                )
        if code and code not in seen:
            seen[code] = (number, kind)
    return problems


def _header_check(*, code: str, version: int, name: str) -> list[str]:
    problems = []
    if not code:
        problems.append(_("The framework code is empty."))
    elif len(code) > FRAMEWORK_CODE_MAX:
        problems.append(_("The framework code is longer than %(max)d characters.") % {"max": FRAMEWORK_CODE_MAX})
    if not isinstance(version, int) or version < 1:
        problems.append(_("The version must be a whole number of at least 1."))
    if not name:
        problems.append(_("The framework name is empty."))
    elif len(name) > FRAMEWORK_NAME_MAX:
        problems.append(_("The framework name is longer than %(max)d characters.") % {"max": FRAMEWORK_NAME_MAX})
    return problems


def _difference(framework: CapabilityFramework, *, name: str, nodes: list[Node], numbers: list[int]) -> str | None:
    """What differs between a stored version and the rows offered for it, or None when they are the same."""
    if framework.name != name:
        return _('the stored name is "%(name)s"') % {"name": framework.name}
    stored = [(row["kind"], row["code"], row["name"], row["parent"]) for row in framework_export_rows(framework)]
    for at, (old, new) in enumerate(zip(stored, nodes)):
        if old != new:
            return _('row %(row)d differs: stored as %(stored)s') % {"row": numbers[at], "stored": ", ".join(old)}
    if len(stored) != len(nodes):
        return _("the stored version has %(stored)d nodes, the file %(offered)d") % {
            "stored": len(stored), "offered": len(nodes),
        }
    return None


def _existing(
    framework: CapabilityFramework, *, name: str, nodes: list[Node], numbers: list[int]
) -> CapabilityFramework:
    difference = _difference(framework, name=name, nodes=nodes, numbers=numbers)
    if difference is None:
        return framework
    raise ValidationError(
        _(
            "Version %(version)d of framework %(code)s already exists with other content (%(difference)s). "
            "A version never changes: import the new content as a new version number."
        )
        % {"version": framework.version, "code": framework.code, "difference": difference}
    )


def framework_import(
    *, code: str, version: int, name: str, rows: Sequence[Mapping[str, Any]], make_current: bool = True
) -> CapabilityFramework:
    """Create one framework version from rows (kind, code, name, parent), or return it when already imported.

    Raises ValidationError listing every problem ("row N: …") before anything is written.
    """
    code, name = code.strip(), name.strip()
    problems = _header_check(code=code, version=version, name=name) + framework_rows_check(rows)
    if problems:
        raise ValidationError(problems)
    nodes: list[Node] = [
        (_cell(row, "kind"), _cell(row, "code"), _cell(row, "name"), _cell(row, "parent")) for row in rows
    ]
    numbers = [int(row.get("row", at + 1)) for at, row in enumerate(rows)]
    found = _stored(code=code, version=version)
    if found is not None:
        return _existing(found, name=name, nodes=nodes, numbers=numbers)
    try:
        with transaction.atomic():
            framework = _create(code=code, version=version, name=name, nodes=nodes, make_current=make_current)
    except IntegrityError:
        # Imported by someone else in the meantime: the same rules apply to their copy.
        found = CapabilityFramework.objects.get(code=code, version=version)
        return _existing(found, name=name, nodes=nodes, numbers=numbers)
    return framework


def _stored(*, code: str, version: int) -> CapabilityFramework | None:
    return CapabilityFramework.objects.filter(code=code, version=version).first()


def _create(*, code: str, version: int, name: str, nodes: list[Node], make_current: bool) -> CapabilityFramework:
    # Lock the code's versions so two imports cannot both leave their version current.
    list(CapabilityFramework.objects.select_for_update().filter(code=code).values_list("pk", flat=True))
    framework = CapabilityFramework.objects.create(code=code, version=version, name=name, is_current=make_current)
    if make_current:
        CapabilityFramework.objects.filter(code=code).exclude(pk=framework.pk).update(is_current=False)
    ids: dict[str, int] = {}
    # Parents come before children and levels are fixed, so one insert per level resolves every parent.
    for kind in PARENT_KIND:
        level = [
            FrameworkNode(
                framework=framework, kind=kind, code=node_code, name=node_name,
                parent_id=ids[parent] if parent else None, position=position,
            )
            for position, (node_kind, node_code, node_name, parent) in enumerate(nodes)
            if node_kind == kind
        ]
        FrameworkNode.objects.bulk_create(level)
        ids.update(
            FrameworkNode.objects.filter(framework=framework, kind=kind).values_list("code", "pk")
        )
    return framework
