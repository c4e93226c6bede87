"""Reads for the roster pages: an import is seen by its uploader and by superusers, nobody else."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from lms.models import RosterImport

RECENT_IMPORTS = 10


def roster_imports_visible_to(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[RosterImport]:
    if not user.is_authenticated:
        return RosterImport.objects.none()
    if user.is_superuser:
        return RosterImport.objects.all()
    return RosterImport.objects.filter(uploaded_by=user)


def roster_import_for(*, user: AbstractBaseUser | AnonymousUser, import_id: uuid.UUID) -> RosterImport | None:
    return roster_imports_visible_to(user=user).filter(pk=import_id).first()


def recent_roster_imports(*, user: AbstractBaseUser | AnonymousUser) -> list[RosterImport]:
    """The user's own latest imports (a superuser's too: the upload page is personal)."""
    if not user.is_authenticated:
        return []
    return list(RosterImport.objects.filter(uploaded_by=user).order_by("-created_at")[:RECENT_IMPORTS])
