"""The public face of people and places: other apps call only these names."""

from __future__ import annotations

from lms.append_only import AppendOnlyError, AppendOnlyModel, append_only_triggers
from lms.cells import formula_safe, xlsx_safe
from lms.crypto import decrypt_text, encrypt_text
from lms.idcard import IdNumberError, mask_id_number, normalise as normalise_id_number, parse_id_number
from lms.models import AccessAction, AccessChannel, AccessLog, Organisation, OrganisationKind, Role, Teacher
from lms.selectors import (
    ORGANISATION_MANAGER_ROLES,
    active_grants,
    jurisdiction_paths,
    user_can_manage_organisation,
    organisation_subtree,
    organisations_in_jurisdiction,
    schools_in_jurisdiction,
    teacher_for_user,
    teacher_ids_by_id_number,
    teacher_search,
    teachers_visible_to,
    user_can_manage_roster,
    user_can_view_teachers,
    user_has_role,
    user_is_read_only,
)
from lms.services import access_log_record, role_grant, role_revoke, teacher_id_number_reveal
from lms.signals import organisation_created, role_granted, role_revoked
from lms.synthetic.demo import DEMO_PASSWORD, accounts_table as demo_accounts_table, seed_demo as seed_demo_people
from lms.vocab import Education, EmploymentStatus, SchoolStage, Subject, Title
from lms.workspace import WorkspaceLink, WorkspaceSection, workspace_link_register

__all__ = [
    "formula_safe",
    "xlsx_safe",
    "AccessAction",
    "AccessChannel",
    "AccessLog",
    "role_grant",
    "role_revoke",
    "decrypt_text",
    "encrypt_text",
    "Education",
    "EmploymentStatus",
    "Title",
    "SchoolStage",
    "Subject",
    "DEMO_PASSWORD",
    "demo_accounts_table",
    "seed_demo_people",
    "ORGANISATION_MANAGER_ROLES",
    "active_grants",
    "jurisdiction_paths",
    "user_can_manage_organisation",
    "AppendOnlyError",
    "AppendOnlyModel",
    "append_only_triggers",
    "IdNumberError",
    "Organisation",
    "OrganisationKind",
    "Role",
    "Teacher",
    "WorkspaceLink",
    "WorkspaceSection",
    "access_log_record",
    "mask_id_number",
    "normalise_id_number",
    "parse_id_number",
    "organisation_created",
    "organisation_subtree",
    "organisations_in_jurisdiction",
    "schools_in_jurisdiction",
    "role_granted",
    "role_revoked",
    "teacher_for_user",
    "teacher_id_number_reveal",
    "teacher_ids_by_id_number",
    "teacher_search",
    "teachers_visible_to",
    "user_can_manage_roster",
    "user_can_view_teachers",
    "user_has_role",
    "user_is_read_only",
    "workspace_link_register",
]
