"""Audit-log actions of learning (imported by the services that log them and by wagtail_hooks)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks


@hooks.register("register_log_actions")
def register_learning_log_actions(actions):
    actions.register_action("courses.enrolment_completed", _("Complete a course"), _("Course completed"))
