from __future__ import annotations

from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from lms.models import Organisation, Role, RoleGrant
from lms.roles import ADMIN_ACCESS_ROLES, GRANTABLE_AT
from lms.selectors import user_can_grant
from lms.signals import role_granted, role_revoked

ADMIN_ACCESS_GROUP = "lms-admin-access"


def _admin_access_group() -> Group:
    group, created = Group.objects.get_or_create(name=ADMIN_ACCESS_GROUP)
    if created:
        group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    return group


def _sync_admin_access(user: User) -> None:
    """Wagtail admin access follows the grants: any active admin or editor role gives it."""
    needs_access = RoleGrant.objects.filter(user=user, role__in=ADMIN_ACCESS_ROLES, revoked_at__isnull=True).exists()
    group = _admin_access_group()
    if needs_access:
        user.groups.add(group)
    else:
        user.groups.remove(group)


@transaction.atomic
def role_grant(
    *, user: User, role: str, organisation: Organisation, granted_by: User | None = None
) -> RoleGrant:
    """Grant a role at a node; it reaches the node's subtree. Granting twice returns the same grant."""
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if organisation.kind not in GRANTABLE_AT[role]:
        raise ValidationError({"organisation": _("This role cannot be granted at this kind of organisation.")})
    existing = RoleGrant.objects.filter(
        user=user, role=role, organisation=organisation, revoked_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    grant = RoleGrant(user=user, role=role, organisation=organisation, granted_by=granted_by)
    grant.full_clean()
    grant.save()
    _sync_admin_access(user)
    role_granted.send(sender=RoleGrant, grant=grant)
    log(instance=grant, action="lms.role_grant", user=granted_by)
    return grant


@transaction.atomic
def role_revoke(*, grant: RoleGrant, revoked_by: User | None = None) -> RoleGrant:
    if grant.revoked_at is None:
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at"])
        _sync_admin_access(grant.user)
        role_revoked.send(sender=RoleGrant, grant=grant)
        log(instance=grant, action="lms.role_revoke", user=revoked_by)
    return grant


def role_grant_by_admin(
    *, grantor: User, user: User, role: str, organisation: Organisation
) -> RoleGrant:
    """An administrator's grant: only roles ranked below their own, only inside their subtree."""
    if not user_can_grant(grantor=grantor, role=role, organisation=organisation):
        raise PermissionDenied(_("You may grant only roles below your own, inside your own jurisdiction."))
    return role_grant(user=user, role=role, organisation=organisation, granted_by=grantor)


def role_revoke_by_admin(*, grantor: User, grant: RoleGrant) -> RoleGrant:
    if not user_can_grant(grantor=grantor, role=grant.role, organisation=grant.organisation):
        raise PermissionDenied(_("You may revoke only roles below your own, inside your own jurisdiction."))
    return role_revoke(grant=grant, revoked_by=grantor)
