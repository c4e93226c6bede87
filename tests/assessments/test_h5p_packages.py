"""Uploads become stored packages only after the check; libraries play only once a province approves them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from assessments.h5p.packages import h5p_activity_receive, h5p_library_decide
from assessments.h5p.storage import h5p_root, package_dir
from assessments.models import ActivityStatus, H5PActivity, H5PLibrary, H5PPackage, LibraryStatus
from tests.assessments.h5p_fixtures import institution_editor, make_activity, province_admin, upload
from tests.factories import make_user
from tests.h5p_builder import library_files, multichoice_package, truefalse_files, truefalse_package, zip_bytes

pytestmark = pytest.mark.django_db


def _stored_folders(kind: str) -> list[str]:
    root = h5p_root() / kind
    return sorted(p.name for p in root.rglob("*") if p.is_dir() and p.parent != root) if root.exists() else []


def test_an_accepted_package_is_held_until_a_province_administrator_approves_its_libraries(tree):
    activity = make_activity(institution=tree.institution)
    assert activity.status == ActivityStatus.HELD
    assert activity.package is not None and not activity.playable
    library = activity.package.libraries.get()
    assert (library.label, library.status) == ("H5P.TrueFalse 1.8.0", LibraryStatus.PENDING)
    assert library.first_package == activity.package and library.first_package_name == "activity.h5p"

    h5p_library_decide(library=library, user=province_admin(tree), approve=True)
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.READY and activity.playable
    # The upload waited in the incoming folder only until the check was done.
    assert not any((h5p_root() / "incoming").iterdir())


def test_identical_packages_are_stored_once(tree):
    first = make_activity(institution=tree.institution, title="第一次")
    second = make_activity(institution=tree.institution, title="第二次")
    assert first.package_id == second.package_id
    assert H5PPackage.objects.count() == 1 and H5PLibrary.objects.count() == 1
    assert (package_dir(first.package.sha256) / "content" / "content.json").is_file()


def test_a_new_package_with_an_already_approved_library_plays_at_once(tree):
    admin = province_admin(tree)
    make_activity(institution=tree.institution, approver=admin)
    other = make_activity(institution=tree.institution, data=truefalse_package(correct=False))
    assert other.status == ActivityStatus.READY


def test_a_package_may_not_replace_the_files_of_a_stored_library_version(tree):
    admin = province_admin(tree)
    make_activity(institution=tree.institution, approver=admin)
    files = truefalse_files()
    tampered = {k: (v + b"\n// changed" if k.endswith("tf.js") else v) for k, v in files.items()}
    activity = make_activity(institution=tree.institution, data=zip_bytes(tampered))
    assert activity.status == ActivityStatus.REFUSED and activity.package is None
    assert "H5P.TrueFalse 1.8.0" in activity.report["errors"][0]["message"]
    assert H5PLibrary.objects.get().status == LibraryStatus.APPROVED
    assert H5PPackage.objects.count() == 1


def test_a_refused_package_leaves_only_its_report(tree):
    broken = truefalse_files()
    broken["h5p.json"] = b"{ not json"
    activity = make_activity(institution=tree.institution, data=zip_bytes(broken))
    assert activity.status == ActivityStatus.REFUSED
    assert activity.report["errors"], activity.report
    assert H5PPackage.objects.count() == 0 and H5PLibrary.objects.count() == 0
    assert _stored_folders("packages") == [] and _stored_folders("libraries") == []
    assert not any((h5p_root() / "incoming").iterdir())


def test_a_file_that_is_not_an_h5p_is_refused_before_it_is_kept(tree):
    activity = H5PActivity.objects.create(institution=tree.institution, title="错误文件")
    with translation.override("en"), pytest.raises(ValidationError, match=r"\.h5p"):
        h5p_activity_receive(activity=activity, upload=upload(b"MZ\x90\x00", name="virus.exe"), user=None)
    with pytest.raises(ValidationError):
        h5p_activity_receive(activity=activity, upload=upload(b"", name="empty.h5p"), user=None)
    assert not (h5p_root() / "incoming").exists() or not any((h5p_root() / "incoming").iterdir())


def test_the_upload_size_limit_is_checked_before_the_file_is_kept(tree, settings):
    settings.H5P_MAX_PACKAGE_BYTES = 1024
    activity = H5PActivity.objects.create(institution=tree.institution, title="太大")
    with pytest.raises(ValidationError):
        h5p_activity_receive(activity=activity, upload=upload(b"x" * 2048), user=None)
    activity.refresh_from_db()
    assert activity.package is None and activity.upload_key == ""


def test_only_a_province_administrator_approves_and_a_refusal_needs_a_reason(tree):
    activity = make_activity(institution=tree.institution)
    library = activity.package.libraries.get()
    county = make_user("county_h5p", role="county_admin", organisation=tree.county_a1)
    with pytest.raises(PermissionDenied):
        h5p_library_decide(library=library, user=county, approve=True)
    with pytest.raises(PermissionDenied):
        h5p_library_decide(library=library, user=institution_editor(tree), approve=True)
    with pytest.raises(ValidationError):
        h5p_library_decide(library=library, user=province_admin(tree), approve=False, note=" ")
    library.refresh_from_db()
    assert library.status == LibraryStatus.PENDING


def test_refusing_an_approved_library_holds_the_activities_that_use_it(tree):
    admin = province_admin(tree)
    activity = make_activity(institution=tree.institution, approver=admin)
    assert activity.playable
    h5p_library_decide(library=activity.package.libraries.get(), user=admin, approve=False, note="发现外部请求")
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.HELD and not activity.playable


def test_each_library_of_a_package_needs_approval(tree):
    helper = library_files("H5P.Helper", 1, 0, 3, js="var H5P = H5P || {};")
    files = truefalse_files()
    files.update({f"H5P.Helper-1.0/{name}": data for name, data in helper.items()})
    activity = make_activity(institution=tree.institution, data=zip_bytes(files))
    assert activity.status == ActivityStatus.HELD
    assert activity.package.libraries.count() == 2
    admin = province_admin(tree)
    h5p_library_decide(library=H5PLibrary.objects.get(machine_name="H5P.TrueFalse"), user=admin, approve=True)
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.HELD
    h5p_library_decide(library=H5PLibrary.objects.get(machine_name="H5P.Helper"), user=admin, approve=True)
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.READY


def test_a_second_activity_of_another_type_stores_its_own_library(tree):
    make_activity(institution=tree.institution)
    make_activity(institution=tree.institution, data=multichoice_package())
    assert sorted(H5PLibrary.objects.values_list("machine_name", flat=True)) == ["H5P.MultiChoice", "H5P.TrueFalse"]

