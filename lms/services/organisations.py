from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from lms.models import Organisation, OrganisationKind
from lms.models.organisations import ALLOWED_CHILDREN
from lms.signals import organisation_created
from lms.roles import REGION_KINDS
from lms.selectors import user_can_manage_organisation

_AREA_CODE = re.compile(r"^\d{6}$")
_UNIT_CODE = re.compile(r"^[0-9A-Za-z\-]{4,20}$")


def organisation_code_error(*, kind: str, code: str) -> str | None:
    if kind in REGION_KINDS and not _AREA_CODE.match(code):
        return _("A region's code must be its 6-digit area code.")
    if kind not in REGION_KINDS and not _UNIT_CODE.match(code):
        return _("A school or institution code has 4 to 20 letters or digits.")
    return None


@transaction.atomic
def organisation_create(*, parent: Organisation | None, kind: str, code: str, name: str) -> Organisation:
    """Add a node under its parent, checking the tree's shape and the official code."""
    code = code.strip()
    if not name.strip():
        raise ValidationError({"name": _("A name is required.")})
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
        created = Organisation.add_root(instance=node)
    else:
        # Lock the parent: two children added at once must not compute the same tree path.
        parent = Organisation.objects.select_for_update().get(pk=parent.pk)
        created = parent.add_child(instance=node)
    organisation_created.send(sender=Organisation, organisation=created)
    return created


def organisation_add_by_admin(
    *, actor: User, parent: Organisation, kind: str, code: str, name: str
) -> Organisation:
    if not user_can_manage_organisation(user=actor, organisation=parent):
        raise PermissionDenied(_("You may add organisations only inside your own jurisdiction."))
    node = organisation_create(parent=parent, kind=kind, code=code, name=name)
    log(instance=node, action="wagtail.create", user=actor)
    return node


@transaction.atomic
def organisation_set_active(*, actor: User, organisation: Organisation, active: bool) -> Organisation:
    """Close or reopen a node; grants at a closed node stop reaching anything."""
    parent = organisation.get_parent()
    if parent is None or not user_can_manage_organisation(user=actor, organisation=parent):
        raise PermissionDenied(_("You may close or reopen organisations only inside your own jurisdiction."))
    if organisation.is_active != active:
        organisation.is_active = active
        organisation.save(update_fields=["is_active"])
        log(instance=organisation, action="lms.organisation_reopen" if active else "lms.organisation_close", user=actor)
    return organisation
