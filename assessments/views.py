"""Serving stored H5P files to the player from our own routes, never as active documents."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from assessments.h5p.storage import library_dir, package_dir, stored_file
from assessments.models import H5PActivity, LibraryStatus

# What the player loads; anything else is served as an opaque download.
CONTENT_TYPES = {
    "json": "application/json", "js": "text/javascript", "css": "text/css", "map": "application/json",
    "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp",
    "bmp": "image/bmp", "svg": "image/svg+xml", "mp4": "video/mp4", "webm": "video/webm", "ogv": "video/ogg",
    "ogg": "audio/ogg", "oga": "audio/ogg", "mp3": "audio/mpeg", "m4a": "audio/mp4", "wav": "audio/wav",
    "vtt": "text/vtt", "txt": "text/plain", "csv": "text/csv", "pdf": "application/pdf", "woff": "font/woff",
    "woff2": "font/woff2", "ttf": "font/ttf", "otf": "font/otf", "eot": "application/vnd.ms-fontobject",
}
TEXT_TYPES = {"application/json", "text/javascript", "text/css", "image/svg+xml", "text/vtt", "text/plain", "text/csv"}
# Even opened directly, a stored file can run nothing: no scripts, no plugins, a sandboxed origin.
FILE_CSP = (
    "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'self' 'unsafe-inline'; "
    "font-src 'self' data:; sandbox"
)


def _activity_file(activity: H5PActivity, path: str) -> Path | None:
    package = activity.package
    if package is None:
        return None
    if path == "h5p.json" or path.startswith("content/"):
        return stored_file(package_dir(package.sha256), path)
    if path.startswith("libraries/"):
        folder, _sep, rest = path.removeprefix("libraries/").partition("/")
        for library in package.libraries.all():
            if folder in (library.folder_name, library.machine_name) and library.status == LibraryStatus.APPROVED:
                return stored_file(library_dir(library.storage_key), rest)
    return None


@require_GET
@login_required
def h5p_file(request: HttpRequest, activity_id: int, path: str) -> FileResponse:
    activity = H5PActivity.objects.select_related("package").filter(pk=activity_id).first()
    if activity is None or not activity.playable:
        raise Http404
    found = _activity_file(activity, path)
    if found is None:
        raise Http404
    extension = found.suffix.lower().lstrip(".")
    content_type = CONTENT_TYPES.get(extension, "application/octet-stream")
    charset = "; charset=utf-8" if content_type in TEXT_TYPES else ""
    response = FileResponse(found.open("rb"), content_type=content_type + charset)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, max-age=3600"
    if extension == "svg" or content_type == "application/octet-stream":
        response["Content-Disposition"] = "attachment"  # an image in the player, never a page of its own
    return response


__all__ = ["h5p_file"]
