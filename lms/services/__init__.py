"""Writes on people and places. Each function validates, writes, and logs."""

from .audit import access_log_record
from .organisations import organisation_add_by_admin, organisation_create, organisation_set_active
from .roles import role_grant, role_grant_by_admin, role_revoke, role_revoke_by_admin
from .teachers import TeacherInput, teacher_create, teacher_id_number_reveal, teacher_transfer, teacher_update

__all__ = [
    "TeacherInput",
    "access_log_record",
    "organisation_add_by_admin",
    "organisation_create",
    "organisation_set_active",
    "role_grant",
    "role_grant_by_admin",
    "role_revoke",
    "role_revoke_by_admin",
    "teacher_create",
    "teacher_id_number_reveal",
    "teacher_transfer",
    "teacher_update",
]
