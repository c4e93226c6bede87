"""Audit-log actions of school-based sessions; wagtail_hooks.py imports this module so Wagtail finds them."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks


@hooks.register("register_log_actions")
def register_school_session_log_actions(actions):
    actions.register_action("courses.school_session_schedule", _("Schedule a school-based session"),
                            _("School-based session scheduled"))
    actions.register_action("courses.school_session_update", _("Change a school-based session"),
                            _("School-based session changed"))
    actions.register_action("courses.school_session_cancel", _("Cancel a school-based session"),
                            _("School-based session cancelled"))
    actions.register_action("courses.session_attendance_confirm", _("Confirm attendance"), _("Attendance confirmed"))
    actions.register_action("courses.session_attendance_add", _("Add an attendee"), _("Attendee added by the organiser"))
    actions.register_action("courses.school_session_submit", _("Submit a school-based session"),
                            _("School-based session submitted for approval"))
    actions.register_action("courses.school_session_approve", _("Approve a school-based session"),
                            _("School-based session approved"))
    actions.register_action("courses.school_session_return", _("Return a school-based session"),
                            _("School-based session returned"))
