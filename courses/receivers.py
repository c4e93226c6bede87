"""Reactions to people-and-places events: institutions get their course folder, editors their group."""

from __future__ import annotations

from typing import Any

from lms.api import ORGANISATION_MANAGER_ROLES, OrganisationKind, Role


def on_organisation_created(*, organisation: Any, **_kwargs: Any) -> None:
    from courses.services.catalog import provider_folder_ensure

    if organisation.kind == OrganisationKind.INSTITUTION:
        provider_folder_ensure(institution=organisation)


def on_role_changed(*, grant: Any, **_kwargs: Any) -> None:
    from courses.services.catalog import course_reviewer_sync, institution_editor_sync

    if grant.role == Role.INSTITUTION_EDITOR:
        institution_editor_sync(user=grant.user)
    elif grant.role in ORGANISATION_MANAGER_ROLES:
        course_reviewer_sync(user=grant.user)
