"""Benchmark: the video heartbeat endpoint under load, then the ledger checked for lost or double counts.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_bench .venv/bin/python bench/heartbeat.py

Creates the database if missing and migrates; uses the province built by bench/generate_province.py
(builds a small one of --teachers when the database has none). Enrols --teachers teachers in a bench
course whose lesson has a 20-minute video, and gives each a fresh watch session, current for the
teacher, whose last beat was 30 s ago. Starts gunicorn (2 sync workers, bench/settings_heartbeat.py)
on 127.0.0.1:8089 and drives POST /learn/heartbeat/ with wrk (bench/heartbeat.lua): each request
beats the next session once (seq 1, played 30 s, position 30 s). Prints requests/s, latency p50/p99
and non-2xx responses, then checks the ledger: WatchBeat rows == 2xx responses, credited seconds ==
30 × beats, each session credited exactly once. Target: ≥ 500 beats/s, p99 < 50 ms, nothing lost or
double-counted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, database_url, ensure_database, setup_django, wait_for_port  # noqa: E402

TARGET_RATE = 500.0
TARGET_P99_MS = 50.0
COURSE_CODE = "BENCH-HEARTBEAT"
INSTITUTION_CODE = "JGHB0001"
PLAYED = 30
PORT = 8089


def bench_teacher_ids(count: int) -> list[int]:
    from lms.models import Teacher

    ids = list(Teacher.objects.order_by("id").values_list("id", flat=True)[:count])
    if len(ids) < count:
        from django.core.management import call_command

        if ids:
            sys.exit(f"The database has only {len(ids)} teachers; run `make bench-generate` or ask for fewer.")
        print(f"no teachers yet: generating a province of {count:,}")
        call_command("generate_province", teachers=count)
        ids = list(Teacher.objects.order_by("id").values_list("id", flat=True)[:count])
    return ids


def bench_lesson():  # type: ignore[no-untyped-def]
    """The bench course (one lesson, one 20-minute video needing 10 minutes), created once."""
    from decimal import Decimal

    from courses.models import CoursePage, LessonPage, ProviderIndexPage
    from courses.services import LessonSpec, ModuleSpec, course_create, course_hours_file
    from lms.models import Organisation, OrganisationKind
    from lms.services import organisation_create

    course = CoursePage.objects.filter(code=COURSE_CODE).first()
    if course is None:
        institution = Organisation.objects.filter(code=INSTITUTION_CODE).first() or organisation_create(
            parent=Organisation.objects.filter(kind=OrganisationKind.PROVINCE).order_by("path").first(),
            kind=OrganisationKind.INSTITUTION, code=INSTITUTION_CODE, name="心跳基准培训中心",
        )
        video = {"type": "video", "id": str(uuid.uuid4()), "value": {
            "title": "基准视频", "video": None, "url": "https://video.example.cn/bench.mp4",
            "duration_minutes": "20", "required_minutes": "10"}}
        course = course_create(
            folder=ProviderIndexPage.objects.get(institution=institution), title="心跳基准课程", code=COURSE_CODE,
            summary="心跳基准课程", delivery_mode="online", publish=True, proposed_hours_online=Decimal(2),
            modules=[ModuleSpec(title="第一单元", lessons=[LessonSpec(title="基准视频", body=[video])])],
        )
        course_hours_file(course=course, user=None)
    return course, LessonPage.objects.live().descendant_of(course).get()


def prepare_sessions(teacher_ids: list[int]) -> list[int]:
    """Enrol the teachers; give each a fresh session, current, last beaten 30 s ago. Returns session ids."""
    from django.db import connection, transaction
    from django.utils import timezone

    from courses.models import Enrolment, TeacherWatchState, WatchBeat, WatchSession

    course, lesson = bench_lesson()
    video = lesson.body[0]
    now = timezone.now()
    with transaction.atomic():
        Enrolment.objects.bulk_create(
            [Enrolment(teacher_id=t, course=course, enrolled_at=now) for t in teacher_ids],
            ignore_conflicts=True, batch_size=5000,
        )
        # Earlier runs' sessions go: each run starts from an empty ledger for this lesson.
        earlier = WatchSession.objects.filter(lesson=lesson)
        WatchBeat.objects.filter(session__in=earlier).delete()
        TeacherWatchState.objects.filter(current_session__in=earlier).update(current_session=None)
        earlier.delete()
        enrolments = dict(Enrolment.objects.filter(course=course, teacher_id__in=teacher_ids).values_list("teacher_id", "id"))
        sessions = WatchSession.objects.bulk_create([
            WatchSession(
                token=secrets.token_urlsafe(32), enrolment_id=enrolments[t], lesson=lesson, block_id=video.id,
                started_at=now - dt.timedelta(seconds=PLAYED), last_beat_at=now - dt.timedelta(seconds=PLAYED),
                required_seconds=video.value.required_seconds(), duration_seconds=video.value.duration_seconds(),
            )
            for t in teacher_ids
        ], batch_size=5000)
        by_teacher = {s.enrolment_id: s.pk for s in sessions}
        rows = [(t, by_teacher[enrolments[t]]) for t in teacher_ids]
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO courses_teacherwatchstate (teacher_id, current_session_id, day, seconds_today) "
                "VALUES (%s, %s, '0001-01-01', 0) ON CONFLICT (teacher_id) DO UPDATE "
                "SET current_session_id = EXCLUDED.current_session_id, day = EXCLUDED.day, seconds_today = 0",
                rows,
            )
    return [s.pk for s in sessions]


def write_tokens(session_ids: list[int], path: Path) -> None:
    from courses.models import WatchSession

    tokens = dict(WatchSession.objects.filter(pk__in=session_ids).values_list("pk", "token"))
    path.write_text("".join(tokens[pk] + "\n" for pk in session_ids))


def start_gunicorn(workers: int, worker_threads: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="settings_heartbeat", DB_CONN_MAX_AGE="60",
               PYTHONPATH=f"{ROOT / 'bench'}{os.pathsep}{ROOT}")
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    return subprocess.Popen(
        [gunicorn, "lms.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{PORT}", "--log-level", "warning",
         *(["-k", "gthread", "--threads", str(worker_threads)] if worker_threads else ["-k", "sync"])],
        cwd=ROOT, env=env,
    )


def warm_up(count: int = 50) -> None:
    """Load the URLconf and open the database connection in both workers (GET: 405, nothing written)."""
    import urllib.error
    import urllib.request

    for _ in range(count):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/learn/heartbeat/", timeout=60)
        except urllib.error.HTTPError:
            pass


def run_wrk(tokens: Path, *, threads: int, connections: int, seconds: int) -> str:
    env = dict(os.environ, HEARTBEAT_TOKENS=str(tokens), HEARTBEAT_THREADS=str(threads))
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s",
               "-s", str(ROOT / "bench" / "heartbeat.lua"), f"http://127.0.0.1:{PORT}"]
    print("$", " ".join(command))
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    print(output)
    return output


def ledger_check(session_ids: list[int], *, ok: int, unanswered: int) -> bool:
    """Every 2xx is one recorded beat of 30 s; no session counted twice. Beats still in flight when wrk
    stopped counting are answered by the server after that: they are recorded, and allowed for."""
    from django.db.models import Count, Q, Sum

    from courses.models import TeacherWatchState, WatchBeat, WatchSession

    beats = WatchBeat.objects.filter(session_id__in=session_ids)
    totals = beats.aggregate(rows=Count("id"), credited=Sum("credited_seconds"),
                             full=Count("id", filter=Q(credited_seconds=PLAYED, refused_reason="")))
    rows, credited, full = totals["rows"], totals["credited"] or 0, totals["full"]
    sessions = WatchSession.objects.filter(pk__in=session_ids)
    double = sessions.filter(credited_seconds__gt=PLAYED).count() + (
        beats.values("session_id").annotate(n=Count("id")).filter(n__gt=1).count()
    )
    session_credit = sessions.aggregate(s=Sum("credited_seconds"))["s"] or 0
    today = TeacherWatchState.objects.filter(current_session_id__in=session_ids).aggregate(s=Sum("seconds_today"))["s"] or 0
    lost = max(ok - full, 0) + (rows - full)  # a 2xx without its 30 s, or a recorded beat credited short
    after = rows - ok
    print(f"ledger: {rows:,} beats recorded for {ok:,} 2xx responses"
          + (f" (+{after} answered after wrk stopped counting; {unanswered} were in flight)" if after else "")
          + f"; {credited:,} s credited = 30 × {credited // PLAYED:,}; session totals {session_credit:,} s; "
          f"teachers' daily totals {today:,} s")
    print(f"lost: {lost}, double-counted: {double}")
    consistent = credited == PLAYED * rows == session_credit == today and 0 <= after <= unanswered
    return consistent and lost == 0 and double == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--teachers", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-threads", type=int, default=0,
                        help="gthread workers with this many threads each (default: sync workers)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=20)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: `make bench-heartbeat` installs it (apt-get install wrk)")

    url = database_url()
    ensure_database(url)
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    teacher_ids = bench_teacher_ids(args.teachers)
    bench_lesson()
    connection.close()
    server = start_gunicorn(args.workers, args.worker_threads)
    try:
        wait_for_port(PORT)
        warm_up()
        # Sessions last beaten 30 s ago, made just before the run (a session idle for 120 s is over).
        started = time.perf_counter()
        session_ids = prepare_sessions(teacher_ids)
        print(f"{len(session_ids):,} teachers enrolled, one fresh session each: {time.perf_counter() - started:.1f} s")
        with tempfile.TemporaryDirectory() as folder:
            tokens = Path(folder) / "tokens.txt"
            write_tokens(session_ids, tokens)
            connection.close()
            output = run_wrk(tokens, threads=args.threads, connections=args.connections, seconds=args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)
    report(output, session_ids)


def report(output: str, session_ids: list[int]) -> None:
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    result = dict(re.findall(r"(\w+)=(\d+)", re.search(r"HEARTBEAT_RESULT (.*)", output).group(1)))  # type: ignore[union-attr]
    ok, refused, other = int(result["ok"]), int(result["refused"]), int(result["other"])
    unanswered = int(result["posted"]) - ok - refused - other
    p50, p99 = int(result["p50_us"]) / 1000, int(result["p99_us"]) / 1000
    exhausted = int(result["exhausted_threads"])
    print(f"heartbeats: {rate:,.0f} requests/s, latency p50 {p50:.1f} ms, p99 {p99:.1f} ms; "
          f"2xx {ok:,}, refused (409) {refused}, other non-2xx {other}"
          + (" (every session beaten: the run stopped early; the GETs that stopped it answer 405)" if exhausted else ""))
    fine = ledger_check(session_ids, ok=ok, unanswered=max(unanswered, 0))
    verdict = rate >= TARGET_RATE and p99 < TARGET_P99_MS and fine and refused == 0
    print(f"target ≥ {TARGET_RATE:.0f}/s, p99 < {TARGET_P99_MS:.0f} ms, nothing lost or double-counted: "
          f"{'met' if verdict else 'NOT met'}")


if __name__ == "__main__":
    main()
