"""Benchmark: validate and extract a large H5P package the way the Celery task does, timed, with peak memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_bench .venv/bin/python bench/h5p_package.py

Creates the database if missing and migrates. Builds (in a temporary folder) a ~50 MB .h5p of 1,000 files:
h5p.json, content/content.json, our TrueFalse library from tests/h5p_builder.py (4 files, a bench-only
patch version so that every run stores it afresh) and 994 JPEGs under content/images/ (a real JPEG header
followed by random bytes, so they do not compress; different every run, so the package's SHA-256 is new).
Then, in a child process (so that its peak RSS is the run's own) with a fresh temporary H5P_ROOT, it
receives the package into an H5PActivity of a bench institution (`h5p_activity_receive`: the upload is
copied into the incoming folder; the task it queues is caught) and times that task's body
(`h5p_activity_check` → `h5p_activity_check_run`) — validation, extraction into content-addressed storage, DB rows. A second child
times `package_inspect` alone. Prints the package size and file count, both times, peak RSS, the result
status (held: the bench library awaits approval) and the number of files found on disk, then PASS/FAIL
against the issue's target: < 5 s, peak memory < 300 MB. Each run first deletes the previous runs' bench
activities, packages and bench library rows.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, database_url, ensure_database, setup_django  # noqa: E402

TARGET_SECONDS = 5.0
TARGET_RSS_MB = 300.0
INSTITUTION_CODE = "JGH5PK01"
TITLE_PREFIX = "H5P包基准"
# A patch version of our TrueFalse library used only here: each run stores it (and only it) afresh.
BENCH_PATCH = 9001


# --- the package ------------------------------------------------------------------------------------


def package_build(path: Path, *, files: int, megabytes: float) -> tuple[int, int]:
    """Write the .h5p; returns (file count, size in bytes)."""
    sys.path.insert(0, str(ROOT))
    from tests.h5p_builder import JPEG_BYTES, ZIP_DATE, package_files, truefalse_library

    skeleton = package_files(
        title="大文件判断题（基准）",
        main=("H5P.TrueFalse", 1, 8, BENCH_PATCH),
        libraries={"H5P.TrueFalse-1.8": truefalse_library(BENCH_PATCH)},
        content={"question": "<p>信息技术可以支持课堂讲授。</p>", "correct": "true"},
    )
    media_count = files - len(skeleton)
    if media_count < 1:
        sys.exit(f"--files must exceed the {len(skeleton)} files of the package skeleton")
    header = JPEG_BYTES[:-2]  # a real JPEG up to its end-of-image marker; random "scan data" follows
    each = max(len(header) + 2, int(megabytes * 1024 * 1024 / media_count))
    with zipfile.ZipFile(path, "w") as archive:
        def add(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED  # as H5P editors export; random bytes stay ~ their size
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data, compresslevel=1)

        for name, data in sorted(skeleton.items()):
            add(name, data)
        for n in range(media_count):
            add(f"content/images/photo-{n:04d}.jpg", header + os.urandom(each - len(header) - 2) + b"\xff\xd9")
    return len(skeleton) + media_count, path.stat().st_size


# --- the parent: database, cleanup, children, report --------------------------------------------------


def bench_institution():  # type: ignore[no-untyped-def]
    from lms.models import Organisation, OrganisationKind
    from lms.services import organisation_create

    found = Organisation.objects.filter(code=INSTITUTION_CODE).first()
    if found is not None:
        return found
    province = Organisation.objects.filter(kind=OrganisationKind.PROVINCE).order_by("path").first() or organisation_create(
        parent=None, kind=OrganisationKind.PROVINCE, code="960000", name="H5P基准省"
    )
    return organisation_create(parent=province, kind=OrganisationKind.INSTITUTION, code=INSTITUTION_CODE,
                               name="H5P包基准培训中心")


def previous_runs_delete(institution) -> int:  # type: ignore[no-untyped-def]
    """Earlier runs' bench activities, their packages and the bench library version go."""
    from django.db import transaction

    from assessments.models import H5PActivity, H5PLibrary, H5PPackage

    with transaction.atomic():
        activities = H5PActivity.objects.filter(institution=institution, title__startswith=TITLE_PREFIX)
        package_ids = set(activities.exclude(package=None).values_list("package_id", flat=True))
        count = activities.count()
        activities.delete()
        # Only packages no other activity uses (none should: each run's package is new).
        H5PPackage.objects.filter(pk__in=package_ids, activities=None).delete()
        H5PLibrary.objects.filter(machine_name="H5P.TrueFalse", major=1, minor=8, patch=BENCH_PATCH,
                                  packages=None).delete()
    return count


def child_run(step: str, package: Path, h5p_root: Path) -> dict:
    env = dict(os.environ, H5P_ROOT=str(h5p_root), PYTHONPATH=f"{ROOT / 'bench'}{os.pathsep}{ROOT}")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run([sys.executable, __file__, "--child", step, str(package)], env=env, cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        sys.exit(f"the {step} child failed ({done.returncode})")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # RUSAGE_CHILDREN is the largest peak of any child waited for: this child's own when it grew.
    result["children_peak_kb"] = after if after > before else None
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--megabytes", type=float, default=50.0)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (package and H5P_ROOT)")
    parser.add_argument("--child", nargs=2, metavar=("STEP", "PACKAGE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return

    url = database_url()
    ensure_database(url)
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    institution = bench_institution()
    deleted = previous_runs_delete(institution)
    connection.close()
    folder = Path(tempfile.mkdtemp(prefix="h5p-bench-"))
    try:
        package = folder / "大文件基准.h5p"
        started = time.perf_counter()
        count, size = package_build(package, files=args.files, megabytes=args.megabytes)
        print(f"package: {size / 1024 / 1024:.1f} MB ({size:,} bytes), {count:,} files, built in "
              f"{time.perf_counter() - started:.1f} s" + (f"; {deleted} earlier bench activities deleted" if deleted else ""))
        run = child_run("run", package, folder / "h5p-root-run")
        inspect = child_run("inspect", package, folder / "h5p-root-inspect")
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    report(run, inspect, files=count)


def report(run: dict, inspect: dict, *, files: int) -> None:
    peak_mb = (run["children_peak_kb"] or run["peak_kb"]) / 1024
    print(f"h5p_activity_check_run (validate + extract + store + rows): {run['seconds']:.2f} s; "
          f"status {run['status']}, progress {run['progress']}%, {run['warnings']} warnings"
          + (f", errors: {run['errors']}" if run["errors"] else ""))
    print(f"  on disk: {run['package_files']:,} package files (h5p.json + content/), "
          f"{run['library_files']} library files = {run['package_files'] + run['library_files']:,} of {files:,}; "
          f"bytes on disk {run['bytes_on_disk'] / 1024 / 1024:.1f} MB; incoming upload removed: {run['incoming_gone']}")
    print(f"  peak RSS of the process {peak_mb:.0f} MB (RSS {run['current_kb'] / 1024:.0f} MB just before the check, "
          f"peak {run['baseline_kb'] / 1024:.0f} MB before it); receive (copy to incoming) {run['receive_seconds']:.2f} s")
    print(f"package_inspect alone: {inspect['seconds']:.2f} s, accepted {inspect['accepted']}, "
          f"peak RSS {inspect['peak_kb'] / 1024:.0f} MB (after set-up {inspect['baseline_kb'] / 1024:.0f} MB)")
    stored = run["status"] in ("held", "ready") and run["package_files"] + run["library_files"] == files
    verdict = run["seconds"] < TARGET_SECONDS and peak_mb < TARGET_RSS_MB and stored
    print(f"target < {TARGET_SECONDS:.0f} s, peak memory < {TARGET_RSS_MB:.0f} MB, held/ready with every file on disk: "
          f"{'PASS' if verdict else 'FAIL'}")


# --- the child: one step, timed, printed as JSON ---------------------------------------------------------


def child(step: str, package_path: str) -> None:
    setup_django()
    from django.core.files import File

    from assessments.h5p.checks import h5p_limits_from_settings, package_inspect
    from assessments.h5p.storage import h5p_root, incoming_path, library_dir, package_dir
    from assessments.models import H5PActivity

    package = Path(package_path)
    assert str(h5p_root()) == os.environ["H5P_ROOT"], "H5P_ROOT is not the bench's temporary folder"
    if step == "inspect":
        baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        report = package_inspect(path=package, name=package.name, limits=h5p_limits_from_settings())
        seconds = time.perf_counter() - started
        print(json.dumps({"seconds": seconds, "accepted": report.accepted, "baseline_kb": baseline,
                          "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
        return

    from unittest import mock

    import psutil

    from assessments.h5p.packages import h5p_activity_receive
    from assessments.tasks import h5p_activity_check
    from lms.models import Organisation

    institution = Organisation.objects.get(code=INSTITUTION_CODE)
    activity = H5PActivity.objects.create(institution=institution, title=f"{TITLE_PREFIX} {time.strftime('%H:%M:%S')}")
    # Open the database connection and load the modules the check uses before the baseline is taken.
    H5PActivity.objects.filter(pk=activity.pk).exists()
    queued: list[int] = []
    started = time.perf_counter()
    with package.open("rb") as handle, mock.patch.object(h5p_activity_check, "delay", queued.append):
        # The view hands over an UploadedFile; a File streams the same chunks. The task it queues (run eagerly,
        # at once, without a broker) is caught here and run below, timed on its own, as a worker would run it.
        h5p_activity_receive(activity=activity, upload=File(handle, name=package.name), user=None)
    receive_seconds = time.perf_counter() - started
    assert queued == [activity.pk], queued
    key = H5PActivity.objects.get(pk=activity.pk).upload_key
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    current = psutil.Process().memory_info().rss // 1024
    started = time.perf_counter()
    h5p_activity_check(activity.pk)  # the Celery task's body: h5p_activity_check_run(activity_id=…)
    seconds = time.perf_counter() - started
    activity = H5PActivity.objects.get(pk=activity.pk)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = {"seconds": seconds, "receive_seconds": receive_seconds, "status": activity.status,
              "progress": activity.progress, "baseline_kb": baseline, "current_kb": current, "peak_kb": peak,
              "warnings": len(activity.report.get("warnings", [])),
              "errors": [e["message"] for e in activity.report.get("errors", [])][:3],
              "incoming_gone": not incoming_path(key).exists(), "package_files": 0, "library_files": 0,
              "bytes_on_disk": 0}
    if activity.package is not None:
        folders = [package_dir(activity.package.sha256)] + [library_dir(lib.storage_key) for lib in activity.package.libraries.all()]
        counts = [[p for p in folder.rglob("*") if p.is_file()] for folder in folders]
        result["package_files"] = len(counts[0])
        result["library_files"] = sum(len(c) for c in counts[1:])
        result["bytes_on_disk"] = sum(p.stat().st_size for c in counts for p in c)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
