"""Stored H5P files reach the player only from our own routes, with strict headers, once approved."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.assessments.h5p_fixtures import make_activity, province_admin
from tests.factories import PASSWORD, make_teacher
from tests.h5p_builder import truefalse_files, zip_bytes

pytestmark = pytest.mark.django_db

SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'


@pytest.fixture
def teacher_client(tree) -> Client:
    teacher = make_teacher(school=tree.school_a1_1)
    client = Client()
    client.force_login(teacher.user)
    return client


def _with_svg() -> bytes:
    files = truefalse_files()
    files["content/images/diagram.svg"] = SVG
    return zip_bytes(files)


def test_the_player_gets_h5p_json_content_and_approved_libraries_with_strict_headers(tree, teacher_client):
    activity = make_activity(institution=tree.institution, approver=province_admin(tree))
    base = f"/h5p/activities/{activity.pk}"
    h5p_json = teacher_client.get(f"{base}/h5p.json")
    assert h5p_json.status_code == 200 and h5p_json["Content-Type"].startswith("application/json")
    assert h5p_json["X-Content-Type-Options"] == "nosniff"
    csp = h5p_json["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "sandbox" in csp
    content = teacher_client.get(f"{base}/content/content.json")
    assert b"correct" in b"".join(content.streaming_content)
    library_json = teacher_client.get(f"{base}/libraries/H5P.TrueFalse-1.8/library.json")
    assert library_json.status_code == 200
    script = teacher_client.get(f"{base}/libraries/H5P.TrueFalse-1.8/tf.js")
    assert script.status_code == 200 and script["Content-Type"].startswith("text/javascript")


def test_nothing_is_served_while_libraries_await_approval(tree, teacher_client):
    activity = make_activity(institution=tree.institution)
    base = f"/h5p/activities/{activity.pk}"
    assert teacher_client.get(f"{base}/h5p.json").status_code == 404
    assert teacher_client.get(f"{base}/libraries/H5P.TrueFalse-1.8/tf.js").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(tree):
    activity = make_activity(institution=tree.institution, approver=province_admin(tree))
    response = Client().get(f"/h5p/activities/{activity.pk}/h5p.json")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("path", [
    "content/../h5p.json", "content/%2e%2e/%2e%2e/settings.py", "libraries/H5P.TrueFalse-1.8/../../x",
    "libraries/Other.Library-1.0/library.json", "content/.htaccess", "content/missing.png", "../../../etc/passwd",
])
def test_paths_outside_the_package_are_not_found(tree, teacher_client, path):
    activity = make_activity(institution=tree.institution, approver=province_admin(tree))
    assert teacher_client.get(f"/h5p/activities/{activity.pk}/{path}").status_code == 404


def test_svg_is_served_as_an_image_download_never_as_a_page(tree, teacher_client):
    activity = make_activity(institution=tree.institution, data=_with_svg(), approver=province_admin(tree))
    response = teacher_client.get(f"/h5p/activities/{activity.pk}/content/images/diagram.svg")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert response["Content-Disposition"] == "attachment"
    assert "sandbox" in response["Content-Security-Policy"] and "script-src" not in response["Content-Security-Policy"]
