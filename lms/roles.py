"""Which roles see what, and at which kind of node each role may be granted."""

from __future__ import annotations

from lms.models import OrganisationKind, Role

REGION_KINDS = (OrganisationKind.PROVINCE, OrganisationKind.CITY, OrganisationKind.COUNTY)

ADMIN_ROLES = frozenset({Role.SCHOOL_ADMIN, Role.COUNTY_ADMIN, Role.CITY_ADMIN, Role.PROVINCE_ADMIN})
TEACHER_VIEWING_ROLES = ADMIN_ROLES | {Role.PERSONNEL_OFFICER}
ROSTER_ROLES = ADMIN_ROLES
ADMIN_ACCESS_ROLES = ADMIN_ROLES | {Role.INSTITUTION_EDITOR}
AUDIT_ROLES = frozenset({Role.PROVINCE_ADMIN})  # Wagtail's administrator-action log: the whole province
# The access log, scoped: bureaus see looks at their teachers and by their people; officers their own.
ACCESS_LOG_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN})
READ_ONLY_ROLES = frozenset({Role.PERSONNEL_OFFICER})

GRANTABLE_AT: dict[str, tuple[str, ...]] = {
    Role.TEACHER: (OrganisationKind.SCHOOL,),
    Role.SCHOOL_ADMIN: (OrganisationKind.SCHOOL,),
    Role.COUNTY_ADMIN: (OrganisationKind.COUNTY,),
    Role.CITY_ADMIN: (OrganisationKind.CITY,),
    Role.PROVINCE_ADMIN: (OrganisationKind.PROVINCE,),
    Role.INSTITUTION_EDITOR: (OrganisationKind.INSTITUTION,),
    Role.REVIEWER: (*REGION_KINDS, OrganisationKind.SCHOOL, OrganisationKind.INSTITUTION),
    Role.PERSONNEL_OFFICER: REGION_KINDS,
}

# Who may grant what: an administrator grants roles ranked below their own, inside their subtree.
ROLE_RANK: dict[str, int] = {
    Role.TEACHER: 0,
    Role.SCHOOL_ADMIN: 1,
    Role.REVIEWER: 1,
    Role.INSTITUTION_EDITOR: 1,
    Role.COUNTY_ADMIN: 2,
    Role.PERSONNEL_OFFICER: 2,
    Role.CITY_ADMIN: 3,
    Role.PROVINCE_ADMIN: 4,
}
