"""Wagtail permission policies that follow role grants (lms) rather than Django model permissions."""

from __future__ import annotations

from typing import Any

from wagtail.permission_policies.base import BasePermissionPolicy


class RoleBasedPolicy(BasePermissionPolicy):
    """Permissions that follow role grants (lms), not Django's model permissions or groups."""

    def users_with_any_permission(self, actions: Any) -> Any:
        from django.contrib.auth import get_user_model

        return get_user_model().objects.none()  # not enumerable from grants; Wagtail only uses it for notifications
