"""Wagtail admin for certification rules (levels, versioned requirements, annual review and title rules:
province administrators) and issuers (each bureau its own: name, seal, signature line, numbering)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from lms.api import Organisation, Role, organisations_in_jurisdiction, user_has_role

from .access import BUREAU_ROLES
from .models import AnnualReviewRule, CertificateIssuer, CertificationLevel, LevelRule, TitleRuleSet
from .numbering import number_pattern_check

RULE_EDITORS = (Role.PROVINCE_ADMIN,)


class RolePolicy(BasePermissionPolicy):
    roles: tuple[str, ...] = RULE_EDITORS

    def users_with_any_permission(self, actions: Any) -> Any:
        from django.contrib.auth import get_user_model

        return get_user_model().objects.none()

    def user_has_permission(self, user: Any, action: str) -> bool:
        if action == "delete":
            return bool(getattr(user, "is_superuser", False))  # rules and issuers are history: never deleted
        return user_has_role(user=user, roles=self.roles)


class IssuerPolicy(RolePolicy):
    roles = BUREAU_ROLES

    def user_has_permission_for_instance(self, user: Any, action: str, instance: Any) -> bool:
        inside = organisations_in_jurisdiction(user=user, roles=self.roles).filter(pk=instance.organisation_id).exists()
        return self.user_has_permission(user, action) and inside

    def instances_user_has_any_permission_for(self, user: Any, actions: Any) -> QuerySet[Any]:
        return CertificateIssuer.objects.filter(organisation__in=organisations_in_jurisdiction(user=user, roles=self.roles))


class LevelRuleForm(WagtailAdminModelForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.instance.pk and self.instance.is_used():
            raise ValidationError(_("This version already decided certificates and cannot change: copy it as a new version."))
        return data


class IssuerForm(WagtailAdminModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.for_user
        allowed = organisations_in_jurisdiction(user=user, roles=BUREAU_ROLES) if user else Organisation.objects.none()
        if "organisation" in self.fields:
            self.fields["organisation"].queryset = allowed.exclude(kind="school")

    def clean_number_pattern(self) -> str:
        pattern = self.cleaned_data["number_pattern"]
        number_pattern_check(pattern)
        return pattern


class IssuerEditView(snippet_views.EditView):
    def get_object(self, queryset: Any = None) -> Any:
        found = super().get_object(queryset)
        if not self.permission_policy.user_has_permission_for_instance(self.request.user, "change", found):
            raise Http404
        return found


class LevelViewSet(SnippetViewSet):
    model = CertificationLevel
    icon = "tag"
    url_namespace = "certification_levels"
    url_prefix = "certification/levels"
    list_display = ["name", "code", "rank", "is_active"]
    edit_handler = ObjectList([FieldRowPanel([FieldPanel("name"), FieldPanel("code"), FieldPanel("rank")]), FieldPanel("description"), FieldPanel("is_active")])


class LevelRuleViewSet(SnippetViewSet):
    model = LevelRule
    icon = "list-ul"
    url_namespace = "certification_rules"
    url_prefix = "certification/rules"
    list_display = ["level", "version", "effective_from", "is_active", "competencies_min", "hours_total_min", "validity_years"]
    list_filter = ["level", "is_active"]
    edit_handler = ObjectList(
        [FieldRowPanel([FieldPanel("level"), FieldPanel("version"), FieldPanel("effective_from"), FieldPanel("is_active")]),
         FieldRowPanel([FieldPanel("framework_code"), FieldPanel("framework_version")]),
         FieldRowPanel([FieldPanel("competencies_min"), FieldPanel("competency_level")]),
         FieldPanel("competencies_required"), FieldPanel("dimensions_required"), FieldPanel("environments_required"),
         FieldRowPanel([FieldPanel("hours_window_years"), FieldPanel("hours_total_min")]), FieldPanel("hours_by_kind_min"),
         FieldRowPanel([FieldPanel("prerequisite"), FieldPanel("validity_years")]), FieldPanel("note")],
        base_form_class=LevelRuleForm,
    )


class IssuerViewSet(SnippetViewSet):
    model = CertificateIssuer
    icon = "site"
    url_namespace = "certificate_issuers"
    url_prefix = "certification/issuers"
    edit_view_class = IssuerEditView
    list_display = ["name", "organisation", "number_pattern"]
    edit_handler = ObjectList(
        [FieldPanel("organisation"), FieldPanel("name"), FieldPanel("number_pattern"), FieldPanel("certificate_title"),
         FieldPanel("body_text"), FieldPanel("seal_image"), FieldPanel("signature_line"), FieldPanel("footer_text")],
        base_form_class=IssuerForm,
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return IssuerPolicy(CertificateIssuer).instances_user_has_any_permission_for(request.user, ["change"])


class AnnualRuleViewSet(SnippetViewSet):
    model = AnnualReviewRule
    icon = "date"
    url_namespace = "annual_review_rules"
    url_prefix = "certification/annual-rules"
    list_display = ["version", "effective_from", "yearly_minimum_hours", "warnings_before_suspension"]


class TitleRuleViewSet(SnippetViewSet):
    model = TitleRuleSet
    icon = "user"
    url_namespace = "title_rules"
    url_prefix = "certification/title-rules"
    list_display = ["target_title", "version", "from_title", "effective_from", "is_active", "min_level"]
    list_filter = ["target_title", "is_active"]


class CertificationGroup(SnippetViewSetGroup):
    items = (LevelViewSet, LevelRuleViewSet, IssuerViewSet, AnnualRuleViewSet, TitleRuleViewSet)
    menu_icon = "tag"
    menu_label = _("Certification")
    menu_order = 214


for _model in (CertificationLevel, LevelRule, AnnualReviewRule, TitleRuleSet):
    register_permission_policy(_model, RolePolicy(_model))
register_permission_policy(CertificateIssuer, IssuerPolicy(CertificateIssuer))
register_snippet(CertificationGroup)
