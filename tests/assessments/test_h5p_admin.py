"""The Wagtail admin: editors upload into their own institution, province administrators approve libraries."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from assessments.models import ActivityStatus, H5PActivity, H5PLibrary, LibraryStatus
from lms.api import Organisation, OrganisationKind
from lms.services import organisation_create
from tests.assessments.h5p_fixtures import institution_editor, make_activity, province_admin, upload
from tests.factories import PASSWORD, make_user
from tests.h5p_builder import multichoice_package, truefalse_files, truefalse_package, zip_bytes

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


_capture: list = []


@pytest.fixture(autouse=True)
def _on_commit(django_capture_on_commit_callbacks):
    _capture[:] = [django_capture_on_commit_callbacks]
    yield
    _capture.clear()


def _add(client: Client, institution: Organisation, data: bytes, name: str = "判断题.h5p", title: str = "判断题练习"):
    """Post the admin's add form; the check it queues on commit runs as the eager worker would."""
    with _capture[0](execute=True):
        return client.post(reverse("h5p_activities:add"), {
            "title": title, "institution": institution.pk, "passing_score": "60", "attempts_allowed": "",
            "counting_rule": "best", "package_file": upload(data, name=name),
        })


def _other_institution(tree) -> Organisation:
    return organisation_create(parent=tree.province, kind=OrganisationKind.INSTITUTION, name="另一培训机构", code="JG0099")


def test_an_editor_uploads_a_package_and_sees_the_check_outcome(tree):
    editor = institution_editor(tree)
    client = _client(editor)
    response = _add(client, tree.institution, truefalse_package())
    assert response.status_code == 302, response.content[:2000]
    activity = H5PActivity.objects.get()
    assert activity.institution == tree.institution and activity.created_by == editor
    assert activity.status == ActivityStatus.HELD
    page = client.get(reverse("h5p_activities:edit", args=[activity.pk])).content.decode()
    assert "H5P.TrueFalse 1.8.0" in page
    status = client.get(reverse("h5p_activity_status", args=[activity.pk])).json()
    assert status == {"status": "held", "label": str(ActivityStatus.HELD.label), "progress": 100, "done": True}


def test_a_refused_package_shows_every_reason_in_the_admin(tree):
    client = _client(institution_editor(tree))
    files = truefalse_files()
    files["content/shell.php.png"] = b"<?php system($_GET['c']); ?>"
    files["content/.htaccess"] = b"AddType application/x-httpd-php .png"
    with translation.override("en"):
        _add(client, tree.institution, zip_bytes(files))
    activity = H5PActivity.objects.get()
    assert activity.status == ActivityStatus.REFUSED
    fields = " ".join(e["field"] for e in activity.report["errors"])
    assert "shell.php.png" in fields and ".htaccess" in fields
    page = client.get(reverse("h5p_activities:edit", args=[activity.pk])).content.decode()
    assert "shell.php.png" in page and ".htaccess" in page


def test_an_upload_with_the_wrong_extension_is_refused_in_the_form(tree):
    client = _client(institution_editor(tree))
    response = _add(client, tree.institution, b"PK\x03\x04", name="notes.zip")
    assert response.status_code == 200 and not H5PActivity.objects.exists()


def test_editors_see_and_edit_only_their_own_institutions_activities(tree):
    other = _other_institution(tree)
    mine = make_activity(institution=tree.institution, title="本机构练习")
    theirs = make_activity(institution=other, title="他机构练习")
    client = _client(institution_editor(tree))
    listing = client.get(reverse("h5p_activities:list")).content.decode()
    assert mine.title in listing and theirs.title not in listing
    assert client.get(reverse("h5p_activities:edit", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("h5p_activity_status", args=[theirs.pk])).status_code == 404
    # Nor can an editor file an activity under another institution.
    response = _add(client, other, truefalse_package(), title="冒名上传")
    assert response.status_code == 200 and not H5PActivity.objects.filter(title="冒名上传").exists()


def test_a_teacher_has_no_h5p_admin(tree):
    teacher = make_user("plain_teacher_h5p")
    client = _client(teacher)
    response = client.get(reverse("h5p_activities:list"))
    assert response.status_code in (302, 403)


def test_a_province_administrator_approves_a_library_in_the_admin(tree):
    activity = make_activity(institution=tree.institution)
    library = H5PLibrary.objects.get()
    client = _client(province_admin(tree))
    listing = client.get(reverse("h5p_libraries:index")).content.decode()
    assert "H5P.TrueFalse 1.8.0" in listing and "activity.h5p" in listing
    client.post(reverse("h5p_libraries:decide", args=[library.pk]), {"decision": "approve", "note": ""})
    library.refresh_from_db()
    activity.refresh_from_db()
    assert library.status == LibraryStatus.APPROVED and activity.status == ActivityStatus.READY


def test_an_editor_can_neither_list_nor_approve_libraries(tree):
    make_activity(institution=tree.institution)
    library = H5PLibrary.objects.get()
    client = _client(institution_editor(tree))
    assert client.get(reverse("h5p_libraries:index")).status_code in (302, 403)
    response = client.post(reverse("h5p_libraries:decide", args=[library.pk]), {"decision": "approve"})
    assert response.status_code in (302, 403)
    library.refresh_from_db()
    assert library.status == LibraryStatus.PENDING


def test_statements_whose_score_the_server_disputed_are_listed_for_review(tree):
    from assessments.h5p.attempts import h5p_statement_record
    from tests.assessments.h5p_fixtures import statement_bytes
    from tests.factories import make_teacher

    activity = make_activity(institution=tree.institution, approver=province_admin(tree))
    teacher = make_teacher(school=tree.school_a1_1)
    honest = h5p_statement_record(activity=activity, teacher=teacher, body=statement_bytes(teacher=teacher, response="true"))
    forged = h5p_statement_record(
        activity=activity, teacher=teacher, body=statement_bytes(teacher=teacher, response="false", raw=1, maximum=1)
    )
    page = _client(institution_editor(tree)).get(reverse("h5p_activities:edit", args=[activity.pk])).content.decode()
    assert "data-h5p-flagged" in page
    assert str(forged.statement.statement_id) in page and str(honest.statement.statement_id) not in page


def test_the_lesson_blocks_chooser_offers_only_ready_activities_of_the_editors_institution(tree):
    admin = province_admin(tree)
    ready = make_activity(institution=tree.institution, title="可用练习", approver=admin)
    make_activity(institution=tree.institution, title="待审核练习", data=multichoice_package())
    make_activity(institution=_other_institution(tree), title="他机构可用练习", data=truefalse_package(correct=False))
    url = reverse(H5PActivity.snippet_viewset.chooser_viewset.get_url_name("choose"))
    page = _client(institution_editor(tree)).get(url).json()["html"]
    assert ready.title in page
    assert "待审核练习" not in page and "他机构可用练习" not in page


def test_the_page_editor_shows_a_lessons_h5p_block(tree):
    import uuid

    from courses.services import LessonSpec
    from tests.courses.catalog_factories import make_course
    from tests.courses.learning_factories import lessons_of

    activity = make_activity(institution=tree.institution, title="课堂互动判断题", approver=province_admin(tree))
    block = {"type": "h5p", "id": str(uuid.uuid4()), "value": {"title": "练习", "activity": activity.pk, "required_to_pass": True}}
    course = make_course(institution=tree.institution, lessons=[LessonSpec(title="互动练习", body=[block])])
    lesson = lessons_of(course)[0]
    response = _client(institution_editor(tree)).get(reverse("wagtailadmin_pages:edit", args=[lesson.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "课堂互动判断题" in html or json.dumps("课堂互动判断题")[1:-1] in html  # the chosen activity's label


def test_only_a_bureau_administrator_trusts_an_activitys_player_score(tree):
    activity = make_activity(institution=tree.institution, title="反思练习")
    form = {"title": activity.title, "institution": tree.institution.pk, "passing_score": "60",
            "attempts_allowed": "", "counting_rule": "best", "trusted": "on"}
    editor = _client(institution_editor(tree))
    editor.post(reverse("h5p_activities:edit", args=[activity.pk]), form)
    activity.refresh_from_db()
    assert not activity.trusted  # the field is disabled for the institution's own editors
    county_elsewhere = make_user("county_b1_h5p", role="county_admin", organisation=tree.county_b1)
    assert _client(county_elsewhere).get(reverse("h5p_activities:edit", args=[activity.pk])).status_code == 404
    response = _client(province_admin(tree)).post(reverse("h5p_activities:edit", args=[activity.pk]), form)
    assert response.status_code == 302, response.content[:500]
    activity.refresh_from_db()
    assert activity.trusted
