"""Where a viewer may report: their root nodes, a node checked against their jurisdiction, the children
of a node to drill into, and the breadcrumb back up. Outside the jurisdiction looks exactly like unknown."""

from __future__ import annotations

from django.db.models import QuerySet

from lms.api import Organisation, OrganisationKind, jurisdiction_paths, organisations_in_jurisdiction, user_has_role

from ..access import CERTIFICATE_READ_ROLES, UserLike

# Bureaus (their subtree), school administrators (their school) and personnel officers (their jurisdiction).
REPORT_ROLES = CERTIFICATE_READ_ROLES
# Institutions hold no teachers: reports drill through regions and schools only.
REPORT_KINDS = (OrganisationKind.PROVINCE, OrganisationKind.CITY, OrganisationKind.COUNTY, OrganisationKind.SCHOOL)


def user_can_see_reports(*, user: UserLike) -> bool:
    return user_has_role(user=user, roles=REPORT_ROLES)


def report_roots(*, user: UserLike) -> list[Organisation]:
    """The nodes where the viewer's report grants sit (every province for a superuser)."""
    paths = jurisdiction_paths(user=user, roles=REPORT_ROLES)
    if paths is None:
        return list(Organisation.objects.filter(depth=1).order_by("code"))
    return list(Organisation.objects.filter(path__in=paths, kind__in=REPORT_KINDS).order_by("path"))


def report_node(*, user: UserLike, node_id: object) -> Organisation | None:
    """The node if the viewer may report on it; None for an unknown, malformed or outside id alike."""
    try:
        pk = int(str(node_id))
    except (TypeError, ValueError):
        return None
    nodes = organisations_in_jurisdiction(user=user, roles=REPORT_ROLES).filter(kind__in=REPORT_KINDS)
    return nodes.filter(pk=pk).first()


def report_default_node(*, user: UserLike) -> Organisation | None:
    roots = report_roots(user=user)
    return roots[0] if roots else None


def report_children(*, node: Organisation) -> QuerySet[Organisation]:
    """The level below: cities of a province, counties of a city, schools of a county (none under a school)."""
    return Organisation.objects.filter(
        path__startswith=node.path, depth=node.depth + 1, kind__in=REPORT_KINDS
    ).order_by("path")


def report_breadcrumb(*, user: UserLike, node: Organisation) -> list[Organisation]:
    """From the viewer's top node down to this one: only the ancestors the viewer may open."""
    paths = jurisdiction_paths(user=user, roles=REPORT_ROLES)
    chain = [*node.get_ancestors(), node]
    if paths is None:
        return chain
    return [step for step in chain if any(step.path.startswith(prefix) for prefix in paths)]


def child_key_length(node: Organisation) -> int:
    """Characters of a school's tree path that name the child of `node` it lies under."""
    return (node.depth + 1) * Organisation.steplen
