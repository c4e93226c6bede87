"""Wagtail admin for evidence and review: rubrics and evidence tasks (bureaus and training institutions, for
what they own), reviewer pools and their members (region administrators, inside their jurisdiction)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, ObjectList
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from assessments.admin_permissions import RoleBasedPolicy
from assessments.evidence.files import FILE_KINDS
from assessments.h5p.access import BUREAU_ROLES
from assessments.models import EvidenceTask, PoolMember, ReviewerPool, Rubric
from lms.api import Organisation, Role, organisations_in_jurisdiction, user_has_role

REGION_ADMINS = BUREAU_ROLES
TASK_AUTHORS = (*REGION_ADMINS, Role.INSTITUTION_EDITOR)


class OwnedByJurisdictionPolicy(RoleBasedPolicy):
    """Records owned by an organisation (`owner_field`): managed by the roles given, inside their subtree."""

    roles: tuple[str, ...] = TASK_AUTHORS
    owner_field = "owner"

    def user_has_permission(self, user: Any, action: str) -> bool:
        if action == "delete":
            return bool(getattr(user, "is_superuser", False))
        return user_has_role(user=user, roles=self.roles)

    def user_has_permission_for_instance(self, user: Any, action: str, instance: Any) -> bool:
        owner_id = getattr(instance, f"{self.owner_field}_id")
        inside = organisations_in_jurisdiction(user=user, roles=self.roles).filter(pk=owner_id).exists()
        return self.user_has_permission(user, action) and inside

    def instances_user_has_any_permission_for(self, user: Any, actions: Any) -> QuerySet[Any]:
        return scoped(self.model.objects.all(), user=user, roles=self.roles, field=self.owner_field)


class PoolPolicy(OwnedByJurisdictionPolicy):
    roles = REGION_ADMINS
    owner_field = "region"


class MemberPolicy(OwnedByJurisdictionPolicy):
    roles = REGION_ADMINS
    owner_field = "pool__region"

    def user_has_permission_for_instance(self, user: Any, action: str, instance: Any) -> bool:
        inside = organisations_in_jurisdiction(user=user, roles=self.roles).filter(pk=instance.pool.region_id).exists()
        return self.user_has_permission(user, action) and inside


def scoped(queryset: QuerySet[Any], *, user: Any, roles: tuple[str, ...], field: str) -> QuerySet[Any]:
    return queryset.filter(**{f"{field}__in": organisations_in_jurisdiction(user=user, roles=roles)})


class ScopedForm(WagtailAdminModelForm):
    """Organisation choices limited to the user's jurisdiction."""

    scope_roles: tuple[str, ...] = TASK_AUTHORS
    scope_fields: tuple[str, ...] = ("owner",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.for_user
        allowed = organisations_in_jurisdiction(user=user, roles=self.scope_roles) if user else Organisation.objects.none()
        for name in self.scope_fields:
            if name in self.fields:
                self.fields[name].queryset = allowed


class RubricForm(ScopedForm):
    def clean_levels(self) -> Any:
        levels = self.cleaned_data.get("levels")
        valid = isinstance(levels, list) and len(levels) >= 2 and all(
            isinstance(level, dict) and str(level.get("code", "")).strip() and str(level.get("label", "")).strip()
            for level in levels
        )
        if not valid or len({level["code"] for level in levels}) != len(levels):
            raise ValidationError(_('Levels are a list like [{"code": "pass", "label": "合格"}], best first, codes unique.'))
        return levels

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        levels = cleaned.get("levels") or []
        if levels and cleaned.get("pass_level") not in [level["code"] for level in levels]:
            self.add_error("pass_level", _("The passing level must be one of the levels."))
        return cleaned


class TaskForm(ScopedForm):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        pieces = self.formsets.get("pieces")
        for form in pieces.forms if pieces else []:
            kinds = form.cleaned_data.get("kinds") if hasattr(form, "cleaned_data") else None
            if kinds is not None and (not isinstance(kinds, list) or not kinds or any(k not in FILE_KINDS for k in kinds)):
                form.add_error("kinds", _("Choose from: %(kinds)s") % {"kinds": ", ".join(FILE_KINDS)})
        return cleaned


class PoolForm(ScopedForm):
    scope_roles = REGION_ADMINS
    scope_fields = ("region",)


class MemberForm(ScopedForm):
    scope_roles = REGION_ADMINS
    scope_fields = ("home", "conflicts")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "pool" in self.fields and self.for_user is not None:
            self.fields["pool"].queryset = scoped(ReviewerPool.objects.all(), user=self.for_user, roles=REGION_ADMINS, field="region")
        if "home" in self.fields:
            self.fields["home"].queryset = Organisation.objects.all()  # a reviewer may come from anywhere


class ScopedEditView(snippet_views.EditView):
    def get_object(self, queryset: Any = None) -> Any:
        found = super().get_object(queryset)
        if not self.permission_policy.user_has_permission_for_instance(self.request.user, "change", found):
            raise Http404  # outside the user's jurisdiction: as if it did not exist
        return found


class ScopedViewSet(SnippetViewSet):
    add_to_admin_menu = False
    edit_view_class = ScopedEditView
    scope_roles: tuple[str, ...] = TASK_AUTHORS
    scope_field = "owner"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return scoped(self.model.objects.all(), user=request.user, roles=self.scope_roles, field=self.scope_field)


class RubricViewSet(ScopedViewSet):
    model = Rubric
    icon = "table"
    url_namespace = "rubrics"
    url_prefix = "review/rubrics"
    list_display = ["name", "owner", "every_criterion_rule"]
    edit_handler = ObjectList(
        [FieldPanel("owner"), FieldPanel("name"), FieldPanel("levels"), FieldPanel("pass_level"),
         FieldPanel("every_criterion_rule"),
         InlinePanel("criteria", panels=[FieldPanel("name"), FieldPanel("descriptors")], label=_("Criteria"), min_num=1)],
        base_form_class=RubricForm,
    )


class EvidenceTaskViewSet(ScopedViewSet):
    model = EvidenceTask
    icon = "doc-full"
    url_namespace = "evidence_tasks"
    url_prefix = "review/tasks"
    list_display = ["title", "competency", "owner", "deadline", "is_active"]
    edit_handler = ObjectList(
        [FieldPanel("owner"), FieldPanel("competency"), FieldPanel("title"), FieldPanel("instructions"), FieldPanel("rubric"),
         FieldRowPanel([FieldPanel("deadline"), FieldPanel("review_days"), FieldPanel("appeal_days")]), FieldPanel("is_active"),
         InlinePanel("pieces", panels=[FieldPanel("name"), FieldPanel("kinds"), FieldRowPanel([FieldPanel("max_mb"), FieldPanel("max_minutes")]), FieldPanel("required")],
                     label=_("Pieces"), min_num=1)],
        base_form_class=TaskForm,
    )


class ReviewerPoolViewSet(ScopedViewSet):
    model = ReviewerPool
    icon = "group"
    url_namespace = "reviewer_pools"
    url_prefix = "review/pools"
    scope_roles = REGION_ADMINS
    scope_field = "region"
    list_display = ["name", "region", "default_cap", "conflict_scope", "is_active"]
    edit_handler = ObjectList(
        [FieldPanel("region"), FieldPanel("name"), FieldRowPanel([FieldPanel("default_cap"), FieldPanel("calibration_pass_percent")]),
         FieldPanel("conflict_scope"), FieldPanel("is_active")],
        base_form_class=PoolForm,
    )


class PoolMemberViewSet(ScopedViewSet):
    model = PoolMember
    icon = "user"
    url_namespace = "pool_members"
    url_prefix = "review/members"
    scope_roles = REGION_ADMINS
    scope_field = "pool__region"
    list_display = ["reviewer", "pool", "home", "cap", "calibration", "is_active"]
    edit_handler = ObjectList(
        [FieldPanel("pool"), FieldPanel("reviewer"), FieldPanel("home"), FieldPanel("conflicts"), FieldPanel("cap"),
         FieldPanel("is_active")],
        base_form_class=MemberForm,
    )


class ReviewGroup(SnippetViewSetGroup):
    items = (EvidenceTaskViewSet, RubricViewSet, ReviewerPoolViewSet, PoolMemberViewSet)
    menu_icon = "doc-full"
    menu_label = _("Evidence review")
    menu_order = 213


for _model, _policy in ((Rubric, OwnedByJurisdictionPolicy), (EvidenceTask, OwnedByJurisdictionPolicy),
                        (ReviewerPool, PoolPolicy), (PoolMember, MemberPolicy)):
    register_permission_policy(_model, _policy(_model))
register_snippet(ReviewGroup)
