"""Course approval (课程备案): a Wagtail workflow task the accrediting bureau acts on."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, Task, TaskState

class BureauApprovalTask(Task):
    """Moderated by the administrators of the bureau that accredits the course's institution (or above)."""

    def user_can_moderate(self, obj: Any, user: AbstractBaseUser | AnonymousUser) -> bool:
        from courses.selectors import user_can_approve_course_page

        return user_can_approve_course_page(user=user, page=obj)

    def user_can_access_editor(self, obj: Any, user: Any) -> bool:
        return self.user_can_moderate(obj, user)

    def locked_for_user(self, obj: Any, user: Any) -> bool:
        return not self.user_can_moderate(obj, user)

    def get_actions(self, obj: Any, user: Any) -> list[tuple[str, Any, bool]]:
        if not self.user_can_moderate(obj, user):
            return []
        return [("reject", _("Request changes"), True), ("approve", _("Approve and file hours"), True)]

    def get_form_for_action(self, action: str) -> type[forms.Form]:
        from wagtail.forms import TaskStateCommentForm

        from courses.forms_approval import CourseApprovalForm

        return CourseApprovalForm if action == "approve" else TaskStateCommentForm

    def on_action(self, task_state: TaskState, user: Any, action_name: str, **kwargs: Any) -> Any:
        from courses.services.catalog import course_approval_act

        return course_approval_act(task_state=task_state, user=user, action=action_name, **kwargs)

    def get_task_states_user_can_moderate(self, user: Any, **kwargs: Any) -> QuerySet[TaskState]:
        from courses.selectors import course_pages_user_can_approve

        states = self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        page_ids = course_pages_user_can_approve(user=user).values_list("pk", flat=True)
        return states.filter(workflow_state__object_id__in=[str(pk) for pk in page_ids]) if not user.is_superuser else states

    @classmethod
    def get_description(cls) -> str:
        return str(_("Administrators of the bureau that accredits the course's institution approve it and file its hours"))

    class Meta:
        verbose_name = _("bureau approval (course filing)")
        verbose_name_plural = _("bureau approvals (course filing)")


def page_course(page: Page) -> Page | None:
    """The course a page belongs to (itself, or the course above a module or lesson)."""
    from courses.models.pages import CoursePage

    specific = page.specific
    if isinstance(specific, CoursePage):
        return specific
    return CoursePage.objects.ancestor_of(page).first()
