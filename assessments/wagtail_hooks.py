"""Wagtail admin: H5P activities (institution editors upload packages), H5P libraries (province
administrators approve the JavaScript that will run in teachers' browsers)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.views import generic
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import chooser as snippet_chooser
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from assessments.admin_permissions import RoleBasedPolicy
from assessments.h5p.attempts import h5p_activity_summary
from assessments.h5p.access import (
    activities_editable_by,
    editor_institutions,
    user_can_approve_libraries,
    user_can_edit_activities,
    user_can_trust_activities,
)
from assessments.h5p.packages import h5p_activity_receive, h5p_libraries_awaiting, h5p_library_decide
from assessments.models import ActivityStatus, H5PActivity, H5PLibrary
from lms.api import Organisation, OrganisationKind



@hooks.register("register_log_actions")
def register_h5p_log_actions(actions: Any) -> None:
    actions.register_action("assessments.h5p_stored", _("Store H5P package"), _("H5P package checked and stored"))
    actions.register_action("assessments.h5p_refused", _("Refuse H5P package"), _("H5P package refused"))
    actions.register_action("assessments.h5p_library_approved", _("Approve H5P library"), _("H5P library approved"))
    actions.register_action("assessments.h5p_library_refused", _("Refuse H5P library"), _("H5P library refused"))


# --- activities ---------------------------------------------------------------------------------


class H5PActivityPermissionPolicy(RoleBasedPolicy):
    """Institution editors manage their own institution's activities; nobody deletes one (attempts point to it)."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        if action == "delete":
            return bool(getattr(user, "is_superuser", False))
        return user_can_edit_activities(user=user)

    def user_has_permission_for_instance(self, user: Any, action: str, instance: Any) -> bool:
        return self.user_has_permission(user, action) and activities_editable_by(user=user).filter(pk=instance.pk).exists()

    def instances_user_has_any_permission_for(self, user: Any, actions: Any) -> QuerySet[H5PActivity]:
        return activities_editable_by(user=user)


register_permission_policy(H5PActivity, H5PActivityPermissionPolicy(H5PActivity))


class H5PActivityForm(WagtailAdminModelForm):
    package_file = forms.FileField(
        label=_("H5P package (.h5p)"), required=False,
        help_text=_("Exported from an H5P editor (h5p.org, Lumi, Moodle). It is checked before it can be used."),
        widget=forms.ClearableFileInput(attrs={"accept": ".h5p"}),
    )

    class Meta:
        model = H5PActivity
        fields = ["institution", "title", "passing_score", "attempts_allowed", "counting_rule", "trusted"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = self.for_user
        institutions = editor_institutions(user=user) if user is not None else Organisation.objects.none()
        self.fields["institution"].queryset = (
            Organisation.objects.filter(kind=OrganisationKind.INSTITUTION) if institutions is None else institutions
        )
        if user is not None and not user_can_trust_activities(user=user) and "trusted" in self.fields:
            self.fields["trusted"].disabled = True
            self.fields["trusted"].help_text = _("Only a bureau administrator may trust the player's score.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.instance.pk and not cleaned.get("package_file"):
            self.add_error("package_file", _("Choose the .h5p file of this activity."))
        return cleaned

    def save(self, commit: bool = True) -> H5PActivity:
        activity = super().save(commit=commit)
        upload = self.cleaned_data.get("package_file")
        if upload:
            try:
                h5p_activity_receive(activity=activity, upload=upload, user=self.for_user)
            except ValidationError as refusal:
                raise PermissionDenied(" ".join(refusal.messages)) from refusal
        return activity

    def clean_package_file(self) -> Any:
        from assessments.h5p.packages import h5p_upload_check

        upload = self.cleaned_data.get("package_file")
        if upload:
            h5p_upload_check(upload=upload)
        return upload


class StatusColumn(Column):
    cell_template_name = "assessments/admin/h5p_status_cell.html"


class H5PActivityEditView(snippet_views.EditView):
    def get_object(self, queryset: Any = None) -> H5PActivity:
        activity = super().get_object(queryset)
        if not activities_editable_by(user=self.request.user).filter(pk=activity.pk).exists():
            raise Http404  # another institution's activity: as if it did not exist
        return activity

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        package = self.object.package
        context["awaiting_libraries"] = h5p_libraries_awaiting(package=package) if package is not None else []
        context["summary"] = h5p_activity_summary(activity=self.object)
        return context


def _ready_activities(request: HttpRequest) -> QuerySet[H5PActivity]:
    """What a lesson's H5P block may choose: the user's institution's activities that are ready to play."""
    return activities_editable_by(user=request.user).filter(status=ActivityStatus.READY)


class ReadyActivityChooseView(snippet_chooser.ChooseView):
    def get_object_list(self) -> QuerySet[H5PActivity]:
        return _ready_activities(self.request)


class ReadyActivityChooseResultsView(snippet_chooser.ChooseResultsView):
    def get_object_list(self) -> QuerySet[H5PActivity]:
        return _ready_activities(self.request)


class H5PActivityChooserViewSet(snippet_chooser.SnippetChooserViewSet):
    choose_view_class = ReadyActivityChooseView
    choose_results_view_class = ReadyActivityChooseResultsView


class H5PActivityViewSet(SnippetViewSet):
    model = H5PActivity
    icon = "code"
    menu_label = _("H5P activities")
    menu_order = 210
    add_to_admin_menu = True
    url_namespace = "h5p_activities"
    url_prefix = "h5p/activities"
    chooser_viewset_class = H5PActivityChooserViewSet
    edit_view_class = H5PActivityEditView
    edit_template_name = "assessments/admin/h5p_activity_edit.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[H5PActivity]:
        return activities_editable_by(user=request.user)
    list_display = ["title", "institution", StatusColumn("status", label=_("Status")), DateColumn("updated_at", label=_("Updated"))]
    list_filter = ["status"]
    search_fields = ["title"]

    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("institution"),
            FieldPanel("package_file"),
            MultiFieldPanel(
                [FieldRowPanel([FieldPanel("passing_score"), FieldPanel("attempts_allowed"),
                                FieldPanel("counting_rule")]),
                 FieldPanel("trusted")],
                heading=_("Scoring"),
            ),
        ],
        base_form_class=H5PActivityForm,
    )


register_snippet(H5PActivityViewSet)


# --- libraries ----------------------------------------------------------------------------------


class H5PLibraryPermissionPolicy(RoleBasedPolicy):
    """Province administrators see and decide library versions; nobody adds or edits them by hand."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action in ("view", "change") and user_can_approve_libraries(user=user)

    def user_has_permission_for_instance(self, user: Any, action: str, instance: Any) -> bool:
        return self.user_has_permission(user, action)

    def instances_user_has_any_permission_for(self, user: Any, actions: Any) -> QuerySet[H5PLibrary]:
        return H5PLibrary.objects.all() if user_can_approve_libraries(user=user) else H5PLibrary.objects.none()


register_permission_policy(H5PLibrary, H5PLibraryPermissionPolicy(H5PLibrary))


class LibraryDecisionColumn(Column):
    cell_template_name = "assessments/admin/h5p_library_decision_cell.html"


class H5PLibraryIndexView(generic.IndexView):
    def get_base_queryset(self) -> QuerySet[H5PLibrary]:
        if not user_can_approve_libraries(user=self.request.user):
            raise PermissionDenied
        return H5PLibrary.objects.select_related("first_package", "decided_by")


class H5PLibraryViewSet(ModelViewSet):
    model = H5PLibrary
    icon = "lock"
    menu_label = _("H5P libraries")
    menu_order = 211
    add_to_admin_menu = True
    name = "h5p_libraries"
    index_view_class = H5PLibraryIndexView
    form_fields = ["decision_note"]
    list_display = [
        "label", "title", "core_api", "file_count", "first_package_name",
        LibraryDecisionColumn("status", label=_("Decision")),
    ]
    list_filter = ["status"]
    search_fields = ["machine_name", "title"]
    inspect_view_enabled = True
    inspect_view_fields = [
        "machine_name", "major", "minor", "patch", "title", "runnable", "core_api", "files_hash", "file_count",
        "first_package_name", "status", "decided_by", "decided_at", "decision_note",
    ]

    def get_urlpatterns(self) -> list[Any]:
        return [*super().get_urlpatterns(), path("<int:pk>/decide/", library_decide_view, name="decide")]


h5p_library_viewset = H5PLibraryViewSet()


@hooks.register("register_admin_viewset")
def register_h5p_library_viewset() -> H5PLibraryViewSet:
    return h5p_library_viewset


def library_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return redirect(reverse(h5p_library_viewset.get_url_name("index")))
    library = get_object_or_404(H5PLibrary, pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        h5p_library_decide(library=library, user=request.user, approve=approve, note=request.POST.get("note", ""))
    except PermissionDenied as refusal:
        raise refusal
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
    else:
        done = _("%(library)s approved.") if approve else _("%(library)s refused.")
        messages.success(request, done % {"library": library.label})
    return redirect(reverse(h5p_library_viewset.get_url_name("index")))


def activity_status_view(request: HttpRequest, pk: int) -> JsonResponse:
    """The check's progress for the edit page to poll."""
    activity = get_object_or_404(activities_editable_by(user=request.user), pk=pk)
    return JsonResponse({
        "status": activity.status, "label": str(activity.get_status_display()), "progress": activity.progress,
        "done": activity.status not in ("queued", "checking"),
    })


@hooks.register("register_admin_urls")
def register_h5p_status_url() -> list[Any]:
    return [path("h5p/activities/<int:pk>/status/", activity_status_view, name="h5p_activity_status")]


# The item bank and quizzes register their snippets in their own module.
import assessments.wagtail_quizzes  # noqa: E402,F401
import assessments.wagtail_review  # noqa: E402,F401
