"""The catalog as Wagtail pages: catalog → provider (one per institution) → course → module → lesson."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from courses.blocks import LessonBodyBlock
from lms.api import Organisation
from lms.api import SchoolStage, Subject

def hours_field(label: Any, **options: Any) -> models.DecimalField:
    """Hours are kept to one decimal place and are never negative."""
    return models.DecimalField(label, max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal(0))], **options)


class DeliveryMode(models.TextChoices):
    ONLINE = "online", _("Online")
    OFFLINE = "offline", _("Offline")
    BLENDED = "blended", _("Blended")
    SCHOOL_BASED = "school_based", _("School-based")


class CatalogPage(Page):
    """The course catalog (课程中心): lists published courses with filters and search."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["courses.ProviderIndexPage"]
    max_count = 1
    template = "courses/catalog_page.html"

    class Meta:
        verbose_name = _("course catalog")

    def get_context(self, request: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from courses.views.catalog import catalog_context

        context = super().get_context(request, *args, **kwargs)
        context.update(catalog_context(request=request, catalog=self))
        return context


class ProviderIndexPage(Page):
    """One institution's folder of courses; its editors' page permissions are granted here."""

    institution = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="course_folder", verbose_name=_("institution")
    )

    content_panels = [*Page.content_panels]
    parent_page_types = ["courses.CatalogPage"]
    subpage_types = ["courses.CoursePage"]
    template = "courses/provider_index_page.html"

    class Meta:
        verbose_name = _("institution course folder")


class CoursePageForm(WagtailAdminPageForm):
    audience_stages = forms.MultipleChoiceField(
        label=_("school stages"), choices=SchoolStage.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    audience_subjects = forms.MultipleChoiceField(
        label=_("subjects"), choices=Subject.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    def clean(self) -> dict[str, Any]:
        # The provider follows the institution folder the course lives in; editors never choose it.
        folder = self.parent_page.specific if self.parent_page is not None else None
        if isinstance(folder, ProviderIndexPage):
            self.instance.provider_id = folder.institution_id
        cleaned = super().clean()
        filed = CourseHours.objects.filter(course_id=self.instance.pk).first() if self.instance.pk else None
        if filed is not None:
            for name, limit in (
                ("proposed_hours_online", filed.online),
                ("proposed_hours_centralised", filed.centralised),
                ("proposed_hours_school_based", filed.school_based),
            ):
                value = cleaned.get(name)
                if value is not None and value > limit:
                    self.add_error(
                        name,
                        _("The bureau filed %(hours)s hours; they cannot be raised without a new approval.")
                        % {"hours": limit},
                    )
        return cleaned


class CoursePage(Page):
    """A course as the institution proposes it. The hours that count are the bureau's filing (CourseHours)."""

    code = models.CharField(_("course code"), max_length=40, unique=True)
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="courses", verbose_name=_("provider"), editable=False
    )
    summary = models.TextField(_("summary"), max_length=1000)
    description = RichTextField(_("description"), blank=True)
    delivery_mode = models.CharField(_("delivery mode"), max_length=16, choices=DeliveryMode.choices)
    audience_stages = models.JSONField(_("school stages"), default=list, blank=True)
    audience_subjects = models.JSONField(_("subjects"), default=list, blank=True)
    capability_points = ParentalManyToManyField(
        "assessments.FrameworkNode", blank=True, related_name="+", verbose_name=_("capability points covered"),
        limit_choices_to={"kind": "competency", "framework__is_current": True},
    )
    proposed_hours_online = hours_field(_("online hours (proposed)"), default=Decimal(0))
    proposed_hours_centralised = hours_field(_("centralised hours (proposed)"), default=Decimal(0))
    proposed_hours_school_based = hours_field(_("school-based hours (proposed)"), default=Decimal(0))
    enrol_opens_at = models.DateTimeField(_("enrolment opens"), null=True, blank=True)
    enrol_closes_at = models.DateTimeField(_("enrolment closes"), null=True, blank=True)
    seats = models.PositiveIntegerField(
        _("seats for self-enrolment"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    prerequisites = ParentalManyToManyField(
        "courses.CoursePage", blank=True, related_name="+", verbose_name=_("prerequisites")
    )
    completion_min_score = models.DecimalField(
        _("minimum score in graded lessons"), max_digits=5, decimal_places=1, null=True, blank=True,
        help_text=_("Leave empty when no score is required."),
    )

    base_form_class = CoursePageForm
    content_panels = [
        *Page.content_panels,
        FieldPanel("code"),
        FieldPanel("summary"),
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("delivery_mode"), FieldPanel("audience_stages"), FieldPanel("audience_subjects"),
             FieldPanel("capability_points", widget=forms.CheckboxSelectMultiple)],
            heading=_("Audience"),
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("proposed_hours_online"), FieldPanel("proposed_hours_centralised"),
                            FieldPanel("proposed_hours_school_based")])],
            heading=_("Hours"),
            help_text=_("The bureau confirms the hours when it approves the course; they cannot be raised afterwards."),
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("enrol_opens_at"), FieldPanel("enrol_closes_at")]), FieldPanel("seats")],
            heading=_("Enrolment"),
        ),
        MultiFieldPanel(
            [FieldPanel("prerequisites", widget=forms.CheckboxSelectMultiple), FieldPanel("completion_min_score")],
            heading=_("Prerequisites and completion"),
        ),
    ]
    parent_page_types = ["courses.ProviderIndexPage"]
    subpage_types = ["courses.ModulePage"]
    template = "courses/course_page.html"

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def clean(self) -> None:
        super().clean()
        if self.enrol_opens_at and self.enrol_closes_at and self.enrol_closes_at <= self.enrol_opens_at:
            raise ValidationError({"enrol_closes_at": _("Enrolment must close after it opens.")})
    def get_context(self, request: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from courses.views.catalog import course_context

        context = super().get_context(request, *args, **kwargs)
        context.update(course_context(request=request, course=self))
        return context

    @property
    def proposed_hours_total(self) -> Decimal:
        return self.proposed_hours_online + self.proposed_hours_centralised + self.proposed_hours_school_based


class ModulePage(Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]
    template = "courses/module_page.html"

    class Meta:
        verbose_name = _("module")

    def serve(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        # A module has no page of its own for learners: its lessons are listed on the course page.
        from django.shortcuts import redirect

        return redirect(self.get_parent().url)


class LessonPage(Page):
    body = StreamField(LessonBodyBlock(), verbose_name=_("content"), blank=True)
    required = models.BooleanField(_("required for completion"), default=True)
    graded = models.BooleanField(
        _("graded"), default=False, help_text=_("The lesson's score counts toward the course's minimum score.")
    )

    content_panels = [*Page.content_panels, FieldPanel("body"), FieldRowPanel([FieldPanel("required"), FieldPanel("graded")])]
    parent_page_types = ["courses.ModulePage"]
    subpage_types: list[str] = []
    template = "courses/lesson_page.html"

    class Meta:
        verbose_name = _("lesson")

    def serve(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        # Only enrolled teachers (and the course's editors and approvers, to preview) open a lesson.
        from courses.views.learning import lesson_refusal

        refusal = lesson_refusal(request=request, lesson=self)
        return refusal if refusal is not None else super().serve(request, *args, **kwargs)

    def get_context(self, request: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from courses.views.learning import lesson_context

        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_context(request=request, lesson=self))
        return context


class CourseHours(models.Model):
    """The hours a course awards, as filed (备案) by the bureau that accredits its provider."""

    course = models.OneToOneField(CoursePage, on_delete=models.CASCADE, related_name="filed_hours")
    online = hours_field(_("online hours"))
    centralised = hours_field(_("centralised hours"))
    school_based = hours_field(_("school-based hours"))
    total = hours_field(_("hours"))
    filed_by = models.ForeignKey("auth.User", null=True, on_delete=models.SET_NULL, related_name="+")
    filed_at = models.DateTimeField(_("filed at"))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("filed course hours")
        verbose_name_plural = _("filed course hours")
        indexes = [models.Index(fields=["total"], name="course_hours_total")]
