"""Writes on H5P packages: receive an upload, check and store it (a Celery task), approve libraries.

An upload waits in the incoming folder; the task checks it (assessments.h5p.checks), and only an
accepted package is stored — content-addressed — and linked to its activity, which plays once every
library it brings is approved. Refused uploads leave nothing but their report.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from assessments.h5p.access import user_can_approve_libraries, user_can_edit_activity
from assessments.h5p.checks import Finding, InspectedPackage, PackagedLibrary, PackageReport, h5p_limits_from_settings, package_inspect
from assessments.h5p.storage import (
    incoming_discard,
    incoming_key_new,
    incoming_path,
    library_files_store,
    library_storage_key,
    package_files_store,
)
from assessments.models import ActivityStatus, H5PActivity, H5PLibrary, H5PPackage, LibraryStatus

logger = logging.getLogger(__name__)


def _report(errors: list[Finding], warnings: list[Finding]) -> dict[str, list[dict[str, str]]]:
    return {"errors": [asdict(f) for f in errors], "warnings": [asdict(f) for f in warnings]}


def h5p_upload_check(*, upload: UploadedFile) -> None:
    """The checks an upload passes before it is kept at all: the name and the size."""
    name = Path(upload.name or "").name
    if not name.lower().endswith(".h5p"):
        raise ValidationError(_("Choose an .h5p file exported from an H5P editor."))
    limit = h5p_limits_from_settings().max_package_bytes
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _("The file is larger than %(limit)d MB.") % {"limit": limit // (1024 * 1024)}
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."))


def h5p_activity_receive(*, activity: H5PActivity, upload: UploadedFile, user: Any) -> H5PActivity:
    """Keep an upload in the incoming folder and queue its check; the activity is unusable until it passes."""
    from assessments.tasks import h5p_activity_check

    h5p_upload_check(upload=upload)
    if user is not None and not user_can_edit_activity(user=user, activity=activity):
            raise PermissionDenied(_("This activity belongs to another institution."))
    key = incoming_key_new()
    target = incoming_path(key)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    previous_key = activity.upload_key
    activity.upload_key, activity.upload_name = key, Path(upload.name or "").name[:255]
    activity.status, activity.progress, activity.report = ActivityStatus.QUEUED, 0, {}
    if activity.created_by_id is None and getattr(user, "is_authenticated", False):
        activity.created_by = user
    activity.save()
    if previous_key and previous_key != key:
        incoming_discard(previous_key)
    transaction.on_commit(lambda: h5p_activity_check.delay(activity.pk))
    return activity


def _progress(activity: H5PActivity, status: str, percent: int) -> None:
    activity.status, activity.progress = status, percent
    H5PActivity.objects.filter(pk=activity.pk).update(status=status, progress=percent)


def h5p_activity_check_run(*, activity_id: int) -> H5PActivity:
    """Check the activity's pending upload and store it when accepted. Safe to run twice."""
    activity = H5PActivity.objects.get(pk=activity_id)
    key = activity.upload_key
    if not key or activity.status not in (ActivityStatus.QUEUED, ActivityStatus.CHECKING):
        return activity
    path = incoming_path(key)
    try:
        if not path.is_file():
            return _refuse(activity, [Finding("", _("The uploaded file is no longer there; upload it again."))], [])
        _progress(activity, ActivityStatus.CHECKING, 10)
        report = package_inspect(path=path, name=activity.upload_name or path.name, limits=h5p_limits_from_settings())
        if not report.accepted or report.package is None:
            return _refuse(activity, report.errors, report.warnings)
        _progress(activity, ActivityStatus.CHECKING, 60)
        return _store(activity, report)
    finally:
        incoming_discard(key)


def _refuse(activity: H5PActivity, errors: list[Finding], warnings: list[Finding]) -> H5PActivity:
    activity.status, activity.progress = ActivityStatus.REFUSED, 100
    activity.report, activity.upload_key = _report(errors, warnings), ""
    activity.save(update_fields=["status", "progress", "report", "upload_key", "updated_at"])
    log(instance=activity, action="assessments.h5p_refused", user=None, data={"errors": len(errors)})
    return activity


def _library_conflicts(package: InspectedPackage) -> list[Finding]:
    """A library version already stored with other files may not be replaced by this package."""
    conflicts = []
    for library in package.libraries:
        stored = H5PLibrary.objects.filter(
            machine_name=library.machine_name, major=library.major, minor=library.minor, patch=library.patch
        ).first()
        if stored is not None and stored.files_hash != library.files_hash:
            conflicts.append(Finding(
                f"{library.directory}/",
                _("%(library)s is already stored with different files; a package may not replace them. "
                  "Export the content again with the library as stored, or raise the library's patch version.")
                % {"library": library.label},
            ))
    return conflicts


def _library_ensure(library: PackagedLibrary, package: H5PPackage, upload_name: str) -> H5PLibrary:
    stored, created = H5PLibrary.objects.get_or_create(
        machine_name=library.machine_name, major=library.major, minor=library.minor, patch=library.patch,
        defaults={
            "title": library.title[:255], "runnable": library.runnable,
            "core_api": "%d.%d" % library.core_api, "files_hash": library.files_hash,
            "storage_key": library_storage_key(
                machine_name=library.machine_name, version=(library.major, library.minor, library.patch),
                files_hash=library.files_hash,
            ),
            "file_count": len(library.files), "first_package": package, "first_package_name": upload_name[:255],
        },
    )
    if stored.files_hash != library.files_hash:  # raced with another upload of different files
        raise ValidationError(_("%(library)s is already stored with different files.") % {"library": library.label})
    if created:
        library_files_store(storage_key=stored.storage_key, files=library.files)
    return stored


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def _store(activity: H5PActivity, report: PackageReport) -> H5PActivity:
    inspected = report.package
    assert inspected is not None
    conflicts = _library_conflicts(inspected)
    if conflicts:
        return _refuse(activity, conflicts, report.warnings)
    package_files_store(
        sha256=inspected.sha256, h5p_json=_json_bytes(inspected.h5p_json),
        content_json=_json_bytes(inspected.content_json), content_files=inspected.content_files,
    )
    try:
        with transaction.atomic():
            package, created = H5PPackage.objects.get_or_create(
                sha256=inspected.sha256,
                defaults={
                    "size": inspected.size, "title": inspected.title[:255], "main_library": inspected.main_library,
                    "h5p_json": inspected.h5p_json, "content_json": inspected.content_json,
                    "warnings": [asdict(w) for w in report.warnings],
                },
            )
            if created:
                libraries = [_library_ensure(lib, package, activity.upload_name) for lib in inspected.libraries]
                package.libraries.set(libraries)
            activity.package = package
            activity.status = ActivityStatus.READY if _all_approved(package) else ActivityStatus.HELD
            activity.progress, activity.upload_key = 100, ""
            activity.report = _report([], report.warnings)
            activity.save(update_fields=["package", "status", "progress", "report", "upload_key", "updated_at"])
            log(instance=activity, action="assessments.h5p_stored", user=None,
                data={"package": inspected.sha256, "status": activity.status})
    except ValidationError as conflict:
        return _refuse(activity, [Finding("", " ".join(conflict.messages))], report.warnings)
    return activity


def _all_approved(package: H5PPackage) -> bool:
    return not package.libraries.exclude(status=LibraryStatus.APPROVED).exists()


def h5p_libraries_awaiting(*, package: H5PPackage) -> list[H5PLibrary]:
    return list(package.libraries.exclude(status=LibraryStatus.APPROVED).order_by("machine_name"))


@transaction.atomic
def h5p_library_decide(*, library: H5PLibrary, user: Any, approve: bool, note: str = "") -> H5PLibrary:
    """A province administrator approves (or refuses) a library version; held activities it frees become ready."""
    if not user_can_approve_libraries(user=user):
        raise PermissionDenied(_("Only a province administrator approves H5P libraries."))
    if not approve and not note.strip():
        raise ValidationError(_("Say why the library is refused."))
    library = H5PLibrary.objects.select_for_update().get(pk=library.pk)
    library.status = LibraryStatus.APPROVED if approve else LibraryStatus.REFUSED
    library.decided_by, library.decided_at, library.decision_note = user, timezone.now(), note.strip()
    library.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    log(instance=library, action="assessments.h5p_library_approved" if approve else "assessments.h5p_library_refused",
        user=user, data={"library": library.label, "note": library.decision_note})
    _activities_refresh(library)
    return library


def _activities_refresh(library: H5PLibrary) -> None:
    """Activities whose packages use this library: ready when all their libraries are approved, else held."""
    for activity in H5PActivity.objects.filter(package__libraries=library).select_related("package").distinct():
        assert activity.package is not None
        wanted = ActivityStatus.READY if _all_approved(activity.package) else ActivityStatus.HELD
        if activity.status in (ActivityStatus.READY, ActivityStatus.HELD) and activity.status != wanted:
            activity.status = wanted
            activity.save(update_fields=["status", "updated_at"])
