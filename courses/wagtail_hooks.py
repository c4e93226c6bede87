"""Wagtail admin integration: hours actions in Wagtail's audit log."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

# Each area registers its own audit-log actions; importing the modules registers them with Wagtail.
import courses.log_actions_enrolment  # noqa: F401
import courses.log_actions_learning  # noqa: F401
import courses.log_actions_sessions  # noqa: F401


@hooks.register("register_log_actions")
def register_hours_log_actions(actions):
    actions.register_action("courses.hours_reverse", _("Reverse hours"), _("Hours entry reversed"))
    actions.register_action("courses.hours_import", _("Import hours"), _("Hours imported"))
    actions.register_action("courses.hours_filed", _("File course hours"), _("Course hours filed"))
