"""Reads scoped by jurisdiction. Every list, search, export and API of people data starts here."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from lms.idcard import IdNumberError, normalise, parse_id_number
from lms.identity import id_number_hash
from lms.models import AccessLog, Organisation, OrganisationKind, Role, RoleGrant, Teacher
from lms.roles import ACCESS_LOG_ROLES, ADMIN_ROLES, AUDIT_ROLES, READ_ONLY_ROLES, ROLE_RANK, ROSTER_ROLES, TEACHER_VIEWING_ROLES

UserLike = User | AnonymousUser


def organisation_subtree(*, organisation: Organisation, include_self: bool = True) -> QuerySet[Organisation]:
    """The node and everything under it: one indexed prefix scan on the materialised path."""
    queryset = Organisation.objects.filter(path__startswith=organisation.path)
    return queryset if include_self else queryset.exclude(pk=organisation.pk)


def active_grants(*, user: UserLike, roles: Iterable[str] | None = None) -> QuerySet[RoleGrant]:
    if not user.is_authenticated:
        return RoleGrant.objects.none()
    grants = RoleGrant.objects.filter(user=user, revoked_at__isnull=True, organisation__is_active=True)
    if roles is not None:
        grants = grants.filter(role__in=list(roles))
    return grants.select_related("organisation")


def _minimal_prefixes(paths: Iterable[str]) -> list[str]:
    """Drop paths already covered by a shorter one: a grant on a city covers its counties."""
    kept: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(prefix) for prefix in kept):
            kept.append(path)
    return kept


def jurisdiction_paths(*, user: UserLike, roles: Iterable[str]) -> list[str] | None:
    """Tree-path prefixes the user reaches through these roles; None means everything (superuser)."""
    if user.is_authenticated and user.is_superuser:
        return None
    return _minimal_prefixes(grant.organisation.path for grant in active_grants(user=user, roles=roles))


def _path_filter(paths: list[str], field: str = "path") -> Q:
    condition = Q(pk__in=[])
    for prefix in paths:
        condition |= Q(**{f"{field}__startswith": prefix})
    return condition


def _covers_whole_tree(paths: list[str]) -> bool:
    roots = set(Organisation.objects.filter(depth=1).values_list("path", flat=True))
    return bool(roots) and roots <= set(paths)


def organisations_in_jurisdiction(*, user: UserLike, roles: Iterable[str]) -> QuerySet[Organisation]:
    paths = jurisdiction_paths(user=user, roles=roles)
    if paths is None:
        return Organisation.objects.all()
    return Organisation.objects.filter(_path_filter(paths))


def schools_in_jurisdiction(*, user: UserLike, roles: Iterable[str] = ROSTER_ROLES) -> QuerySet[Organisation]:
    return organisations_in_jurisdiction(user=user, roles=roles).filter(kind=OrganisationKind.SCHOOL)


def teachers_visible_to(user: UserLike) -> QuerySet[Teacher]:
    """The one answer to "whose records may this user see": their subtree, or only themselves."""
    if not user.is_authenticated:
        return Teacher.objects.none()
    paths = jurisdiction_paths(user=user, roles=TEACHER_VIEWING_ROLES)
    if paths is None:
        return Teacher.objects.all()
    own = Q(user_id=user.pk)
    if not paths:
        return Teacher.objects.filter(own)
    if _covers_whole_tree(paths):
        return Teacher.objects.all()  # a whole province: no join on the schools at all
    schools = Q(school_id__in=Organisation.objects.filter(_path_filter(paths)).values("id"))
    # "OR own record" stops PostgreSQL from joining on the schools (a scan of every teacher):
    # add it only when the user's own record lies outside the subtrees anyway.
    own_school_path = Teacher.objects.filter(own).values_list("school__path", flat=True).first()
    if own_school_path is None or any(own_school_path.startswith(prefix) for prefix in paths):
        return Teacher.objects.filter(schools)
    return Teacher.objects.filter(schools | own)


def teacher_search(*, user: UserLike, query: str) -> QuerySet[Teacher]:
    """Search within the user's scope: an ID number matches exactly by keyed hash, else name or certificate."""
    visible = teachers_visible_to(user)
    query = (query or "").strip()
    if not query:
        return visible
    try:
        parsed = parse_id_number(query)
    except IdNumberError:
        parsed = None
    if parsed is not None:
        return visible.filter(id_number_hash=id_number_hash(parsed.value))
    if query.isdigit() and len(query) == 17:
        return visible.filter(qualification_number=query)
    return visible.filter(real_name__contains=query)


def user_has_role(*, user: UserLike, roles: Iterable[str]) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or active_grants(user=user, roles=roles).exists()


def user_can_view_teachers(*, user: UserLike) -> bool:
    return user_has_role(user=user, roles=TEACHER_VIEWING_ROLES)


def user_can_manage_roster(*, user: UserLike) -> bool:
    return user_has_role(user=user, roles=ROSTER_ROLES)


def user_can_browse_audit(*, user: UserLike) -> bool:
    return user_has_role(user=user, roles=AUDIT_ROLES)


def user_is_read_only(*, user: UserLike) -> bool:
    """Personnel officers read; they never change people data (unless they also hold an admin role)."""
    if user.is_authenticated and user.is_superuser:
        return False
    has_read_only = active_grants(user=user, roles=READ_ONLY_ROLES).exists()
    return has_read_only and not active_grants(user=user, roles=ADMIN_ROLES).exists()


def user_roles(*, user: UserLike) -> list[RoleGrant]:
    return list(active_grants(user=user).order_by("role", "organisation__path"))


def user_can_browse_access_log(*, user: UserLike) -> bool:
    """Bureaus browse their jurisdiction's access log; a personnel officer browses their own queries."""
    return user_has_role(user=user, roles=ACCESS_LOG_ROLES | READ_ONLY_ROLES)


def access_log_entries(*, user: UserLike) -> QuerySet[AccessLog]:
    """Who looked at whose data: for a bureau, every look at a teacher of its subtree and every look by
    someone whose role lies in it; for a personnel officer, their own; for a province, also the looks
    nobody signed for (refused API calls with unknown keys)."""
    if not user.is_authenticated:
        return AccessLog.objects.none()
    paths = jurisdiction_paths(user=user, roles=ACCESS_LOG_ROLES)
    if paths is None:
        return AccessLog.objects.all()
    own = Q(actor_id=user.pk)
    if not paths:
        return AccessLog.objects.filter(own) if user_has_role(user=user, roles=READ_ONLY_ROLES) else AccessLog.objects.none()
    if _covers_whole_tree(paths):
        return AccessLog.objects.all()
    schools = Organisation.objects.filter(_path_filter(paths)).values("id")
    teachers = Teacher.objects.filter(school_id__in=schools).values("id")
    people = RoleGrant.objects.filter(_path_filter(paths, field="organisation__path")).values("user_id")
    scoped = Q(teacher_id_ref__in=teachers) | Q(actor_id__in=people) | own
    if any(len(prefix) == Organisation.steplen for prefix in paths):  # a province: unsigned looks too
        scoped |= Q(actor__isnull=True, teacher_id_ref__isnull=True)
    return AccessLog.objects.filter(scoped)


def teacher_for_user(*, user: UserLike) -> Teacher | None:
    if not user.is_authenticated:
        return None
    return Teacher.objects.filter(user_id=user.pk).select_related("school").first()


__all__ = [
    "Role",
    "teacher_ids_by_id_number",
    "organisation_children",
    "organisation_roots_for",
    "user_can_manage_organisation",
    "grants_in_jurisdiction",
    "user_can_grant",
    "user_can_manage_roles",
    "access_log_entries",
    "user_can_browse_access_log",
    "active_grants",
    "jurisdiction_paths",
    "organisation_subtree",
    "organisations_in_jurisdiction",
    "schools_in_jurisdiction",
    "teacher_for_user",
    "teacher_search",
    "teachers_visible_to",
    "user_can_browse_audit",
    "user_can_manage_roster",
    "user_can_view_teachers",
    "user_has_role",
    "user_is_read_only",
    "user_roles",
]


def user_can_grant(*, grantor: UserLike, role: str, organisation: Organisation) -> bool:
    """An administrator grants roles ranked below their own, at nodes inside their own subtree."""
    if not grantor.is_authenticated:
        return False
    if grantor.is_superuser:
        return True
    return any(
        organisation.path.startswith(grant.organisation.path) and ROLE_RANK[grant.role] > ROLE_RANK[role]
        for grant in active_grants(user=grantor, roles=ADMIN_ROLES)
    )


def grants_in_jurisdiction(*, user: UserLike) -> QuerySet[RoleGrant]:
    """Active grants at nodes inside the user's administrative subtrees."""
    paths = jurisdiction_paths(user=user, roles=ADMIN_ROLES)
    grants = RoleGrant.objects.filter(revoked_at__isnull=True).select_related("user", "organisation")
    if paths is None:
        return grants
    return grants.filter(_path_filter(paths, field="organisation__path"))


def user_can_manage_roles(*, user: UserLike) -> bool:
    return user_has_role(user=user, roles=ADMIN_ROLES)


ORGANISATION_MANAGER_ROLES = frozenset({Role.COUNTY_ADMIN, Role.CITY_ADMIN, Role.PROVINCE_ADMIN})


def user_can_manage_organisation(*, user: UserLike, organisation: Organisation) -> bool:
    """County administrators and above add or close nodes under any node of their subtree."""
    paths = jurisdiction_paths(user=user, roles=ORGANISATION_MANAGER_ROLES)
    return paths is None or any(organisation.path.startswith(prefix) for prefix in paths)


def organisation_children(*, organisation: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        path__startswith=organisation.path, depth=organisation.depth + 1
    ).order_by("kind", "code")


def organisation_roots_for(*, user: UserLike) -> QuerySet[Organisation]:
    """Where the user's tree view starts: the nodes of their grants (all roots for a superuser)."""
    paths = jurisdiction_paths(user=user, roles=TEACHER_VIEWING_ROLES)
    if paths is None:
        return Organisation.objects.filter(depth=1).order_by("code")
    return Organisation.objects.filter(path__in=paths).order_by("path")


def teacher_ids_by_id_number(*, user: UserLike, id_numbers: Iterable[str]) -> dict[str, int]:
    """Batch look-up within the user's scope: normalised ID number → teacher id, one query for the lot."""
    by_hash = {id_number_hash(number): normalise(number) for number in id_numbers if number}
    found = teachers_visible_to(user).filter(id_number_hash__in=list(by_hash)).values_list("id_number_hash", "id")
    return {by_hash[hash_]: teacher_id for hash_, teacher_id in found}
