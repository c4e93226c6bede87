"""People and places: organisations, teachers, role grants, the access log, roster imports."""

from .audit import AccessAction, AccessChannel, AccessLog
from .organisations import Organisation, OrganisationKind
from .roles import Role, RoleGrant
from .roster import RosterImport, RosterImportStatus
from .teachers import Teacher, TeacherPosting

__all__ = [
    "AccessAction",
    "AccessChannel",
    "AccessLog",
    "Organisation",
    "OrganisationKind",
    "Role",
    "RoleGrant",
    "RosterImport",
    "RosterImportStatus",
    "Teacher",
    "TeacherPosting",
]
