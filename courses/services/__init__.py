"""Writes of courses. Each function validates, writes, and logs."""

from .catalog import (
    LessonSpec,
    ModuleSpec,
    catalog_ensure,
    course_approval_act,
    course_create,
    course_hours_file,
    institution_editor_sync,
    provider_folder_ensure,
)
from .hours import (
    MAX_HOURS_PER_ENTRY,
    hours_award,
    hours_entry_validate,
    hours_policy_publish,
    hours_recognise_by_admin,
    hours_reverse,
    hours_reverse_by_admin,
    user_can_edit_hours_policy,
    user_can_record_hours,
)
from .hours_import import hours_import_run

__all__ = [
    "LessonSpec",
    "ModuleSpec",
    "catalog_ensure",
    "course_approval_act",
    "course_create",
    "course_hours_file",
    "institution_editor_sync",
    "provider_folder_ensure",
    "MAX_HOURS_PER_ENTRY",
    "hours_award",
    "hours_entry_validate",
    "hours_import_run",
    "hours_policy_publish",
    "hours_recognise_by_admin",
    "hours_reverse",
    "hours_reverse_by_admin",
    "user_can_edit_hours_policy",
    "user_can_record_hours",
]
