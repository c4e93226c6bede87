"""The public face of assessments: other apps call only these functions."""

from __future__ import annotations

from django.db.models import QuerySet

from assessments.models import CapabilityFramework, FrameworkNode, NodeKind
from assessments.services import framework_2_0_core_ensure, framework_load_csv


def competencies_current() -> QuerySet[FrameworkNode]:
    """Competencies of the current version of every framework, in framework order."""
    return FrameworkNode.objects.filter(kind=NodeKind.COMPETENCY, framework__is_current=True).select_related(
        "framework"
    )


__all__ = [
    "CapabilityFramework",
    "FrameworkNode",
    "NodeKind",
    "competencies_current",
    "framework_2_0_core_ensure",
    "framework_load_csv",
]
