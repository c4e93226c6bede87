"""Events other apps react to (courses gives each new institution its catalog folder and editor group).

Sent explicitly by the services, inside their transaction, so a receiver's failure rolls the change back.
"""

from __future__ import annotations

from django.dispatch import Signal

# sender=Organisation, organisation=<Organisation>
organisation_created = Signal()
# sender=RoleGrant, grant=<RoleGrant>; role_revoked also carries the grant (revoked_at set)
role_granted = Signal()
role_revoked = Signal()
