"""Capability frameworks as data: a versioned tree of tiers/environments, dimensions and competencies.

The catalog tags courses with competencies from here; the item bank, evidence tasks and
results (the assessment issue) build on the same records.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CapabilityFramework(models.Model):
    """One version of a standard (2014 standard, 2.0 framework, a province's own)."""

    code = models.CharField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=200)
    is_current = models.BooleanField(_("current version"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("capability framework")
        verbose_name_plural = _("capability frameworks")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="framework_code_version_unique")]
        ordering = ["code", "-version"]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class NodeKind(models.TextChoices):
    TIER = "tier", _("Tier / environment")
    DIMENSION = "dimension", _("Dimension")
    COMPETENCY = "competency", _("Competency")


class FrameworkNode(models.Model):
    """A node of a framework: tier/environment → dimension → competency (微能力点)."""

    framework = models.ForeignKey(CapabilityFramework, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    kind = models.CharField(_("kind"), max_length=16, choices=NodeKind.choices)
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("capability point")
        verbose_name_plural = _("capability points")
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="framework_node_code_unique")]
        ordering = ["framework", "position", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
