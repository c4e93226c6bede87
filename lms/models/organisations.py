"""The organisation tree: province → city → county → school, institutions under their accreditor."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


class OrganisationKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County / district")
    SCHOOL = "school", _("School")
    INSTITUTION = "institution", _("Training institution")


# Which kinds may hang under which: the tree's shape rules.
ALLOWED_CHILDREN: dict[str, tuple[str, ...]] = {
    OrganisationKind.PROVINCE: (OrganisationKind.CITY, OrganisationKind.INSTITUTION, OrganisationKind.SCHOOL),
    OrganisationKind.CITY: (OrganisationKind.COUNTY, OrganisationKind.INSTITUTION, OrganisationKind.SCHOOL),
    OrganisationKind.COUNTY: (OrganisationKind.SCHOOL, OrganisationKind.INSTITUTION),
    OrganisationKind.SCHOOL: (),
    OrganisationKind.INSTITUTION: (),
}


class Organisation(MP_Node):
    kind = models.CharField(_("kind"), max_length=16, choices=OrganisationKind.choices, db_index=True)
    code = models.CharField(
        _("official code"),
        max_length=20,
        unique=True,
        help_text=_("6-digit area code for a region; the school or institution code otherwise."),
    )
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"
