"""Wagtail admin for the item bank and quizzes: an institution's editors and the bureaus above it manage
them; answer keys are checked by the marking engine before they are saved."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from assessments.admin_permissions import RoleBasedPolicy
from assessments.h5p.access import editor_institutions, user_can_edit_activities
from assessments.models import Quiz, QuizItem
from assessments.quizzes.marking import AnswerKeyError, key_check
from lms.api import Organisation, OrganisationKind

class InstitutionOwnedPolicy(RoleBasedPolicy):
    """Items and quizzes belong to an institution: its editors and the bureaus above it manage them."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        if action == "delete":
            return bool(getattr(user, "is_superuser", False))
        return user_can_edit_activities(user=user)

    def user_has_permission_for_instance(self, user: Any, action: str, instance: Any) -> bool:
        institutions = editor_institutions(user=user)
        owned = institutions is None or institutions.filter(pk=instance.institution_id).exists()
        return self.user_has_permission(user, action) and owned

    def instances_user_has_any_permission_for(self, user: Any, actions: Any) -> QuerySet[Any]:
        return owned_by_editor_institutions(self.model.objects.all(), user=user)


def owned_by_editor_institutions(queryset: QuerySet[Any], *, user: Any) -> QuerySet[Any]:
    institutions = editor_institutions(user=user)
    return queryset if institutions is None else queryset.filter(institution__in=institutions)


class InstitutionOwnedForm(WagtailAdminModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.for_user
        institutions = editor_institutions(user=user) if user is not None else Organisation.objects.none()
        if "institution" in self.fields:
            self.fields["institution"].queryset = (
                Organisation.objects.filter(kind=OrganisationKind.INSTITUTION) if institutions is None else institutions
            )


class QuizItemForm(InstitutionOwnedForm):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("item_type") and cleaned.get("key") is not None:
            try:
                key_check(cleaned["item_type"], cleaned["key"])
            except AnswerKeyError as invalid:
                self.add_error("key", str(invalid))
        return cleaned


class QuizForm(InstitutionOwnedForm):
    def clean_rules(self) -> Any:
        rules = self.cleaned_data.get("rules")
        valid = isinstance(rules, list) and rules and all(
            isinstance(r, dict) and isinstance(r.get("competency"), str) and isinstance(r.get("count"), int)
            and r["count"] > 0 for r in rules
        )
        if not valid:
            raise ValidationError(_('Rules are a list like [{"competency": "A1", "count": 3}].'))
        return rules


class OwnedSnippetViewSet(SnippetViewSet):
    add_to_admin_menu = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return owned_by_editor_institutions(self.model.objects.all(), user=request.user)


class QuizItemViewSet(OwnedSnippetViewSet):
    model = QuizItem
    icon = "help"
    url_namespace = "quiz_items"
    url_prefix = "quizzes/items"
    list_display = ["stem", "item_type", "competency", "difficulty", "institution"]
    list_filter = ["item_type", "difficulty"]
    edit_handler = ObjectList(
        [FieldPanel("institution"), FieldPanel("item_type"), FieldPanel("stem"), FieldPanel("key"),
         FieldRowPanel([FieldPanel("points"), FieldPanel("difficulty")]), FieldPanel("competency"),
         FieldPanel("explanation"), FieldPanel("is_active")],
        base_form_class=QuizItemForm,
    )


class QuizViewSet(OwnedSnippetViewSet):
    model = Quiz
    icon = "list-ul"
    url_namespace = "quizzes"
    url_prefix = "quizzes/quizzes"
    list_display = ["title", "institution", "time_limit_minutes", "attempts_allowed", "pass_mark"]
    edit_handler = ObjectList(
        [FieldPanel("institution"), FieldPanel("title"), FieldPanel("rules"),
         FieldRowPanel([FieldPanel("time_limit_minutes"), FieldPanel("attempts_allowed"), FieldPanel("pass_mark")])],
        base_form_class=QuizForm,
    )


class QuizBankGroup(SnippetViewSetGroup):
    items = (QuizItemViewSet, QuizViewSet)
    menu_icon = "list-ul"
    menu_label = _("Quizzes")
    menu_order = 212


for _quiz_model in (QuizItem, Quiz):
    register_permission_policy(_quiz_model, InstitutionOwnedPolicy(_quiz_model))
register_snippet(QuizBankGroup)
