"""Links other apps add to the workspace page, so lms never has to know about them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.urls import reverse

_links: list[WorkspaceLink] = []


@dataclass(frozen=True)
class WorkspaceLink:
    label: str
    url_name: str
    visible_to: Callable[[User | AnonymousUser], bool]
    order: int = 100


def workspace_link_register(link: WorkspaceLink) -> None:
    if all(existing.url_name != link.url_name for existing in _links):
        _links.append(link)


def workspace_links_for(user: User | AnonymousUser) -> list[tuple[str, str]]:
    return [
        (str(link.label), reverse(link.url_name))
        for link in sorted(_links, key=lambda link: link.order)
        if link.visible_to(user)
    ]
