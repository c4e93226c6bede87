from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lms.models import Organisation, OrganisationKind
from lms.models.organisations import ALLOWED_CHILDREN
from lms.roles import REGION_KINDS

_AREA_CODE = re.compile(r"^\d{6}$")
_UNIT_CODE = re.compile(r"^[0-9A-Za-z\-]{4,20}$")


def organisation_code_error(*, kind: str, code: str) -> str | None:
    if kind in REGION_KINDS and not _AREA_CODE.match(code):
        return _("A region's code must be its 6-digit area code.")
    if kind not in REGION_KINDS and not _UNIT_CODE.match(code):
        return _("A school or institution code has 4 to 20 letters or digits.")
    return None


def organisation_create(*, parent: Organisation | None, kind: str, code: str, name: str) -> Organisation:
    """Add a node under its parent, checking the tree's shape and the official code."""
    code = code.strip()
    if kind not in OrganisationKind.values:
        raise ValidationError({"kind": _("Unknown organisation kind.")})
    if parent is None and kind != OrganisationKind.PROVINCE:
        raise ValidationError({"kind": _("Only a province can stand at the top of the tree.")})
    if parent is not None and kind not in ALLOWED_CHILDREN[parent.kind]:
        raise ValidationError({"kind": _("This kind of organisation cannot be placed under that one.")})
    error = organisation_code_error(kind=kind, code=code)
    if error:
        raise ValidationError({"code": error})
    if Organisation.objects.filter(code=code).exists():
        raise ValidationError({"code": _("An organisation with this code already exists.")})
    node = Organisation(kind=kind, code=code, name=name.strip())
    if parent is None:
        return Organisation.add_root(instance=node)
    parent.refresh_from_db()
    return parent.add_child(instance=node)
