"""Builders for H5P tests: activities uploaded through the service, libraries approved, xAPI statements."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.h5p.attempts import actor_mbox_for
from assessments.h5p.packages import h5p_activity_check_run, h5p_activity_receive, h5p_library_decide
from assessments.models import H5PActivity, H5PLibrary, LibraryStatus
from lms.api import Organisation, Role, Teacher
from tests.factories import make_user
from tests.h5p_builder import truefalse_package


def upload(data: bytes, name: str = "activity.h5p") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/zip")


def province_admin(tree: Any, username: str = "h5p_province") -> Any:
    return make_user(username, role=Role.PROVINCE_ADMIN, organisation=tree.province)


def institution_editor(tree: Any, username: str = "h5p_editor") -> Any:
    return make_user(username, role=Role.INSTITUTION_EDITOR, organisation=tree.institution)


def make_activity(
    *, institution: Organisation, data: bytes | None = None, title: str = "判断题练习", user: Any = None,
    approver: Any = None, **settings: Any,
) -> H5PActivity:
    """Upload a package (checked at once: tasks run eagerly in tests); approve its libraries when given an approver."""
    activity = H5PActivity(institution=institution, title=title, **settings)
    activity.save()
    h5p_activity_receive(activity=activity, upload=upload(data or truefalse_package()), user=user)
    # The task is queued on commit, which a test's transaction never reaches: run the check here.
    activity = h5p_activity_check_run(activity_id=activity.pk)
    if approver is not None and activity.package is not None:
        for library in activity.package.libraries.exclude(status=LibraryStatus.APPROVED):
            h5p_library_decide(library=library, user=approver, approve=True)
        activity.refresh_from_db()
    return activity


def approve_all(approver: Any) -> None:
    for library in H5PLibrary.objects.exclude(status=LibraryStatus.APPROVED):
        h5p_library_decide(library=library, user=approver, approve=True)


def statement(
    *, teacher: Teacher, response: str | None, raw: Any = 1, maximum: Any = 1, verb: str = "answered",
    statement_id: str | None = None, library: str = "H5P.TrueFalse-1.8", content_id: str = "1", **extra: Any,
) -> dict[str, Any]:
    """An xAPI statement shaped like the ones H5P's player emits."""
    result: dict[str, Any] = {"completion": True, "success": raw == maximum, "duration": "PT5S"}
    if raw is not None:
        result["score"] = {"min": 0, "max": maximum, "raw": raw, "scaled": (Decimal(str(raw)) / Decimal(str(maximum)) if maximum else 0)}
        result["score"]["scaled"] = float(result["score"]["scaled"])
    if response is not None:
        result["response"] = response
    body: dict[str, Any] = {
        "id": statement_id or str(uuid.uuid4()),
        "actor": {"name": teacher.real_name, "mbox": actor_mbox_for(teacher=teacher), "objectType": "Agent"},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}", "display": {"en-US": verb}},
        "object": {
            "id": "http://localhost/h5p/activities/1",
            "objectType": "Activity",
            "definition": {
                "extensions": {"http://h5p.org/x-api/h5p-local-content-id": content_id},
                "interactionType": "true-false",
                "correctResponsesPattern": ["true"],
            },
        },
        "context": {"contextActivities": {"category": [{"id": f"http://h5p.org/libraries/{library}", "objectType": "Activity"}]}},
        "result": result,
    }
    body.update(extra)
    return body


def statement_bytes(**kwargs: Any) -> bytes:
    return json.dumps(statement(**kwargs)).encode("utf-8")
