"""Links other apps add to the workspace page, so lms never has to know about them; grouped in sections
so a province administrator's twenty links read as a few headed lists."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

_links: list[WorkspaceLink] = []


class WorkspaceSection(models.TextChoices):
    """In the order the page shows them."""

    MINE = "mine", _("My learning and records")
    PEOPLE = "people", _("Teachers and organisations")
    TRAINING = "training", _("Training and hours")
    REVIEW = "review", _("Evidence review")
    CERTIFICATION = "certification", _("Certification")
    PERSONNEL = "personnel", _("Personnel queries and reports")
    AUDIT = "audit", _("Audit")
    OTHER = "other", _("Other")


SECTION_ORDER = list(WorkspaceSection.values)


@dataclass(frozen=True)
class WorkspaceLink:
    label: str
    url_name: str
    visible_to: Callable[[User | AnonymousUser], bool]
    order: int = 100
    section: str = WorkspaceSection.OTHER


@dataclass(frozen=True)
class WorkspaceGroup:
    key: str
    title: str
    links: list[tuple[str, str]]


def workspace_link_register(link: WorkspaceLink) -> None:
    if all(existing.url_name != link.url_name for existing in _links):
        _links.append(link)


def workspace_links_for(user: User | AnonymousUser) -> list[tuple[str, str]]:
    """(label, url) of every link the user may follow, in order."""
    return [(label, url) for group in workspace_groups_for(user) for label, url in group.links]


def workspace_groups_for(user: User | AnonymousUser) -> list[WorkspaceGroup]:
    """The user's links by section, sections in their fixed order, links by their order; empty sections left out."""
    visible = sorted(
        (link for link in _links if link.visible_to(user)),
        key=lambda link: (SECTION_ORDER.index(link.section) if link.section in SECTION_ORDER else len(SECTION_ORDER), link.order),
    )
    groups: list[WorkspaceGroup] = []
    titles = dict(WorkspaceSection.choices)
    for link in visible:
        if not groups or groups[-1].key != link.section:
            groups.append(WorkspaceGroup(key=link.section, title=str(titles.get(link.section, titles["other"])), links=[]))
        groups[-1].links.append((str(link.label), reverse(link.url_name)))
    return groups
