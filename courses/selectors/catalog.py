"""Reads of the catalog: published courses, and who may approve what."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from wagtail.models import Page

from courses.models import CoursePage, ProviderIndexPage
from lms.api import ORGANISATION_MANAGER_ROLES, Organisation, jurisdiction_paths


def courses_published() -> QuerySet[CoursePage]:
    """Live courses whose hours the bureau has filed: what teachers may see and enrol in."""
    return CoursePage.objects.live().filter(filed_hours__isnull=False)


def _accrediting_bureau(institution: Organisation) -> Organisation | None:
    return institution.get_parent()


def user_can_approve_course_page(*, user: Any, page: Page) -> bool:
    """Administrators (county and above) whose jurisdiction holds the bureau that accredits the institution."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    folder = ProviderIndexPage.objects.ancestor_of(page, inclusive=True).select_related("institution").first()
    if folder is None:
        return False
    bureau = _accrediting_bureau(folder.institution)
    if bureau is None:
        return False
    paths = jurisdiction_paths(user=user, roles=ORGANISATION_MANAGER_ROLES) or []
    return any(bureau.path.startswith(prefix) for prefix in paths)


def course_pages_user_can_approve(*, user: Any) -> QuerySet[Page]:
    """Catalog pages (courses, modules, lessons) whose approval falls to this user: those of institutions
    below a node where they hold a county-or-above admin role (an institution is never such a node)."""
    paths = jurisdiction_paths(user=user, roles=ORGANISATION_MANAGER_ROLES)
    folders = ProviderIndexPage.objects.all()
    if paths is not None:
        below = Q(pk__in=[])
        for prefix in paths:
            below |= Q(institution__path__startswith=prefix)
        folders = folders.filter(below)
    in_folders = Q(pk__in=[])
    for folder_path in folders.values_list("path", flat=True):
        in_folders |= Q(path__startswith=folder_path, depth__gt=len(folder_path) // Page.steplen)
    return Page.objects.filter(in_folders)
