"""Audit-log actions of enrolment and cohorts, registered with Wagtail's log registry.

Imported by courses.services.enrolment (and by wagtail_hooks.py); if Wagtail has already scanned
its hooks when this module loads, the actions are registered directly so a log call never fails.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import registry

ENROLMENT_LOG_ACTIONS = (
    ("courses.enrol", _("Enrol in a course"), _("Enrolled in a course")),
    ("courses.withdraw", _("Withdraw from a course"), _("Withdrew from a course")),
    ("courses.cohort_create", _("Create a cohort"), _("Cohort created")),
    ("courses.cohort_enrol", _("Enrol teachers in a cohort"), _("Teachers enrolled in the cohort")),
    ("courses.cohort_remove", _("Remove a teacher from a cohort"), _("Teacher removed from the cohort")),
    ("courses.cohort_tutors", _("Set cohort tutors"), _("Cohort tutors set")),
)


def register_enrolment_log_actions(actions: Any) -> None:
    for action, label, message in ENROLMENT_LOG_ACTIONS:
        if action not in actions.formatters:
            actions.register_action(action, label, message)


hooks.register("register_log_actions", register_enrolment_log_actions)
if registry.has_scanned_for_actions:
    register_enrolment_log_actions(registry)
