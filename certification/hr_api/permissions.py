"""Scopes: each endpoint names the scope it needs (`required_scope`); a key without it gets 403."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import permissions

from ..models import ApiClient


class ApiKeyRequired(permissions.BasePermission):
    """Only a valid API key; no session, no anonymous access (DRF answers 401 without one)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return isinstance(request.auth, ApiClient)


class ScopeRequired(permissions.BasePermission):
    code = "scope_missing"

    def has_permission(self, request: Any, view: Any) -> bool:
        scope = getattr(view, "required_scope", None)
        client = request.auth
        if scope is None or not isinstance(client, ApiClient):
            return True
        if scope in client.scopes:
            return True
        self.message = _("This key lacks the scope “%(scope)s”.") % {"scope": scope}
        return False
