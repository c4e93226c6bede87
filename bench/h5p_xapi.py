"""Benchmark: xAPI statement ingestion with server-side recomputation under load, then the records checked.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_bench .venv/bin/python bench/h5p_xapi.py

Creates the database if missing and migrates; uses the teachers already there (those of the generated
province; never the roster bench's province 970000) or generates a province of --teachers when there are
none. Sets up, once: a bench institution (JGH5PX01) with an approved H5P.MultiChoice activity (our own
package from tests/h5p_builder.py: answers 0 and 2 are right, 1 and 3 wrong, so "0[,]2" scores 2 of 2 and
"1[,]3" scores 0; unlimited attempts, best attempt counts) and a course whose first lesson holds the H5P
block and whose second is text, so that no enrolment completes during the run (a completed course records
no more answers). Enrols --teachers teachers, logs each in by writing a Django session (ModelBackend, the
session auth hash) and gives each a CSRF token. Starts gunicorn (2 sync workers, bench/settings_h5p.py)
on 127.0.0.1:8091 and drives POST /learn/lessons/<lesson>/h5p/<block>/statements/ with wrk
(bench/h5p_xapi.lua): round robin over the teachers, a fresh UUID per statement, right and wrong answers
alternating, every 10th statement a wrong answer claiming full marks. Prints statements/s, p50/p99 latency,
non-2xx responses, the workers' CPU time per statement and the load average, then checks the database:
one H5PStatement (and one attempt) per 2xx, each attempt's score equal to the recomputation (right → 2,
wrong → 0, whatever the client claimed), mismatch flags on exactly the statements that lied, the lesson done
for teachers who answered right and every enrolment still active. Then profiles one statement in-process
(Django's test client, CSRF enforced, against the bench database): its SQL queries and their share of the
request's time. Target: ≥ 300 statements/s with 2 worker processes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, database_url, ensure_database, setup_django, wait_for_port  # noqa: E402

TARGET_RATE = 300.0
PORT = 8091
INSTITUTION_CODE = "JGH5PX01"
COURSE_CODE = "BENCH-H5P-XAPI"
ACTIVITY_TITLE = "xAPI基准多选题"
ADMIN_USERNAME = "h5p-bench-approver"
ROSTER_PROVINCE = "970000"  # bench/roster_import.py's own province: its teachers come and go
SESSION_PREFIX = "h5pbench"  # this bench's session keys; each run replaces the previous run's
ANSWERS = [("多媒体课件", True), ("粉笔", False), ("微课视频", True), ("黑板擦", False)]
RIGHT, WRONG, MAXIMUM = "0[,]2", "1[,]3", 2
EXPECTED = {RIGHT: Decimal(2), WRONG: Decimal(0)}
LIE_EXTENSION = "http://lms.invalid/bench/lie"
BACKEND = "django.contrib.auth.backends.ModelBackend"


# --- set-up ----------------------------------------------------------------------------------------------


def bench_teachers(count: int) -> list[tuple[int, int]]:
    """(teacher id, user id) of `count` active teachers, generating a province when the database has none."""
    from lms.models import Organisation, Teacher

    def pick() -> list[tuple[int, int]]:
        teachers = Teacher.objects.filter(user__is_active=True)
        roster = Organisation.objects.filter(code=ROSTER_PROVINCE).first()
        if roster is not None:
            teachers = teachers.exclude(school__path__startswith=roster.path)
        return list(teachers.order_by("id").values_list("id", "user_id")[:count])

    found = pick()
    if len(found) < count:
        from django.core.management import call_command

        if Teacher.objects.exists():
            sys.exit(f"The database has only {len(found)} usable teachers; run `make bench-generate` or ask for fewer.")
        print(f"no teachers yet: generating a province of {count:,}")
        call_command("generate_province", teachers=count)
        found = pick()
    return found


def bench_institution():  # type: ignore[no-untyped-def]
    from lms.models import Organisation, OrganisationKind
    from lms.services import organisation_create

    found = Organisation.objects.filter(code=INSTITUTION_CODE).first()
    if found is not None:
        return found
    province = Organisation.objects.filter(kind=OrganisationKind.PROVINCE).exclude(code=ROSTER_PROVINCE).order_by(
        "path").first() or organisation_create(parent=None, kind=OrganisationKind.PROVINCE, code="960000", name="H5P基准省")
    return organisation_create(parent=province, kind=OrganisationKind.INSTITUTION, code=INSTITUTION_CODE,
                               name="xAPI基准培训中心")


def bench_activity(institution):  # type: ignore[no-untyped-def]
    """The approved MultiChoice activity, uploaded through the services once."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assessments.h5p.packages import h5p_activity_check_run, h5p_activity_receive, h5p_library_decide
    from assessments.models import ActivityStatus, H5PActivity, LibraryStatus
    from tests.h5p_builder import multichoice_package

    activity = H5PActivity.objects.filter(institution=institution, title=ACTIVITY_TITLE).first()
    if activity is None:
        activity = H5PActivity.objects.create(institution=institution, title=ACTIVITY_TITLE, attempts_allowed=None)
        upload = SimpleUploadedFile("bench-multichoice.h5p", multichoice_package(answers=ANSWERS),
                                    content_type="application/zip")
        h5p_activity_receive(activity=activity, upload=upload, user=None)  # its task runs eagerly (no broker)
        activity = h5p_activity_check_run(activity_id=activity.pk)  # a no-op when it already ran
    if activity.status == ActivityStatus.HELD and activity.package is not None:
        users = get_user_model()
        approver = users.objects.filter(username=ADMIN_USERNAME).first() or users.objects.create_superuser(
            username=ADMIN_USERNAME, email="", password=None)
        for library in activity.package.libraries.exclude(status=LibraryStatus.APPROVED):
            h5p_library_decide(library=library, user=approver, approve=True, note="基准")
        activity.refresh_from_db()
    if not activity.playable:
        sys.exit(f"the bench activity is {activity.status}: {activity.report}")
    return activity


def bench_lesson(activity):  # type: ignore[no-untyped-def]
    """The bench course: lesson 1 holds the H5P block, lesson 2 is text (so no enrolment completes)."""
    from decimal import Decimal as D

    from courses.models import CoursePage, LessonPage, ProviderIndexPage
    from courses.services import LessonSpec, ModuleSpec, course_create, course_hours_file
    from courses.services import provider_folder_ensure

    course = CoursePage.objects.filter(code=COURSE_CODE).first()
    if course is None:
        institution = activity.institution
        folder = ProviderIndexPage.objects.filter(institution=institution).first() or provider_folder_ensure(
            institution=institution)
        h5p = {"type": "h5p", "id": str(uuid.uuid4()),
               "value": {"title": "课堂练习", "activity": activity.pk, "required_to_pass": True}}
        text = {"type": "text", "id": str(uuid.uuid4()), "value": "<p>阅读材料：技术支持的课堂讲授。</p>"}
        course = course_create(
            folder=folder, title="H5P基准课程", code=COURSE_CODE, summary="xAPI 语句基准课程", delivery_mode="online",
            publish=True, proposed_hours_online=D(2),
            modules=[ModuleSpec(title="第一单元", lessons=[LessonSpec(title="互动练习", body=[h5p]),
                                                      LessonSpec(title="阅读材料", body=[text])])],
        )
        course_hours_file(course=course, user=None)
    for lesson in LessonPage.objects.live().descendant_of(course).order_by("path"):
        block = next((b for b in lesson.body if b.block_type == "h5p"), None)
        if block is not None:
            return course, lesson, block.id
    sys.exit("the bench course has no H5P lesson")


def enrol_and_log_in(course, lesson, block_id: str, activity, teachers: list[tuple[int, int]]) -> tuple[list[tuple[str, str, str, str]], int]:  # type: ignore[no-untyped-def]
    """Enrol the teachers (active) and give each a fresh logged-in session, CSRF token and the signed claims
    the lesson page would give the player. Returns (session key, csrf token, actor mbox, claims) per teacher
    and how many enrolments were reactivated."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import transaction
    from django.middleware.csrf import _get_new_csrf_string
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from assessments.h5p.attempts import actor_mbox_for
    from courses.models import Enrolment, EnrolmentStatus
    from lms.models import Teacher

    now = timezone.now()
    users = get_user_model().objects.in_bulk([user_id for _t, user_id in teachers])
    store = SessionStore()
    rows, sessions = [], []
    for teacher_id, user_id in teachers:
        key = SESSION_PREFIX + get_random_string(24, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {"_auth_user_id": str(user_id), "_auth_user_backend": BACKEND,
                "_auth_user_hash": users[user_id].get_session_auth_hash()}
        sessions.append(Session(session_key=key, session_data=store.encode(data),
                                expire_date=now + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)))
        rows.append((key, _get_new_csrf_string(), actor_mbox_for(teacher=Teacher(pk=teacher_id))))
    with transaction.atomic():
        Session.objects.filter(session_key__startswith=SESSION_PREFIX).delete()
        Session.objects.bulk_create(sessions, batch_size=5000)
        Enrolment.objects.bulk_create(
            [Enrolment(teacher_id=t, course=course, enrolled_at=now) for t, _u in teachers],
            ignore_conflicts=True, batch_size=5000,
        )
        reactivated = Enrolment.objects.filter(course=course).exclude(status=EnrolmentStatus.ACTIVE).update(
            status=EnrolmentStatus.ACTIVE)
    enrolments = dict(Enrolment.objects.filter(course=course).values_list("teacher_id", "pk"))
    tokens = [claims_token(user_id, teacher_id, enrolments[teacher_id], lesson, block_id, activity)
              for teacher_id, user_id in teachers]
    return [(*row, token) for row, token in zip(rows, tokens)], reactivated


def claims_token(user_id: int, teacher_id: int, enrolment_id: int, lesson, block_id: str, activity) -> str:  # type: ignore[no-untyped-def]
    """The signed claims the lesson page gives the player (courses.services.activities)."""
    from dataclasses import asdict

    from django.core import signing

    from courses.services.activities import CLAIMS_SALT, ActivityClaims

    claims = ActivityClaims(user_id=user_id, teacher_id=teacher_id, enrolment_id=enrolment_id, lesson_id=lesson.pk,
                            block_id=block_id, activity_id=activity.pk, required_to_pass=True, sole=True)
    return signing.dumps(asdict(claims), salt=CLAIMS_SALT, compress=True)


# --- the server and wrk --------------------------------------------------------------------------------


def start_gunicorn(workers: int, *, async_commit: bool) -> subprocess.Popen[bytes]:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="settings_h5p", DB_CONN_MAX_AGE="60",
               PYTHONPATH=f"{ROOT / 'bench'}{os.pathsep}{ROOT}", H5P_BENCH_ASYNC_COMMIT="1" if async_commit else "0")
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    return subprocess.Popen(
        [gunicorn, "lms.wsgi", "-w", str(workers), "-k", "sync", "-b", f"127.0.0.1:{PORT}", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )


def warm_up(path: str, teachers: list[tuple[str, str, str, str]], count: int = 40) -> None:
    """Load the URLconf, the services and the database connection in every worker with a few real statements
    (they are written before the run's first id is taken, so the check ignores them)."""
    import urllib.request

    for n in range(count):
        session, csrf, mbox, token = teachers[n % len(teachers)]
        body = statement_body(mbox=mbox, response=RIGHT, raw=MAXIMUM)
        request = urllib.request.Request(
            f"http://127.0.0.1:{PORT}{path}", data=body, method="POST",
            headers={"Content-Type": "application/json", "Cookie": f"sessionid={session}; csrftoken={csrf}",
                     "X-CSRFToken": csrf, "X-H5P-Token": token},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            if response.status != 200:
                sys.exit(f"warm-up statement answered {response.status}")


def statement_body(*, mbox: str, response: str, raw: int, lie: bool = False) -> bytes:
    """The statement the Lua script sends (for the warm-up and the in-process profile)."""
    context: dict = {"contextActivities": {"category": [
        {"id": "http://h5p.org/libraries/H5P.MultiChoice-1.16", "objectType": "Activity"}]}}
    if lie:
        context["extensions"] = {LIE_EXTENSION: True}
    return json.dumps({
        "id": str(uuid.uuid4()),
        "actor": {"name": "基准教师", "mbox": mbox, "objectType": "Agent"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
        "object": {"id": "http://127.0.0.1/h5p/activities/1", "objectType": "Activity", "definition": {
            "extensions": {"http://h5p.org/x-api/h5p-local-content-id": "1"}, "interactionType": "choice"}},
        "context": context,
        "result": {"completion": True, "success": raw == MAXIMUM, "duration": "PT5S", "response": response,
                   "score": {"min": 0, "max": MAXIMUM, "raw": raw, "scaled": raw / MAXIMUM}},
    }, ensure_ascii=False).encode("utf-8")


def run_wrk(teachers_file: Path, path: str, *, threads: int, connections: int, seconds: int) -> str:
    env = dict(os.environ, H5P_TEACHERS=str(teachers_file), H5P_THREADS=str(threads), H5P_PATH=path,
               H5P_SEED=str(secrets.randbelow(2**31)), H5P_RIGHT=RIGHT, H5P_WRONG=WRONG, H5P_MAX=str(MAXIMUM))
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s",
               "-s", str(ROOT / "bench" / "h5p_xapi.lua"), f"http://127.0.0.1:{PORT}{path}"]
    print("$", " ".join(command))
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    print(output)
    return output


def cpu_seconds(pids: list[int]) -> float:
    import psutil

    total = 0.0
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
            total += times.user + times.system
        except psutil.Error:
            pass
    return total


def postgres_pids() -> list[int]:
    import psutil

    return [p.pid for p in psutil.process_iter(["name"]) if (p.info["name"] or "").startswith("postgres")]


# --- the check ---------------------------------------------------------------------------------------------


def records_check(activity, lesson, course, teacher_ids: list[int], *, first_statement: int, ok: int,  # type: ignore[no-untyped-def]
                  unanswered: int, lies: int) -> bool:
    from assessments.models import H5PAttempt, H5PStatement
    from courses.models import Enrolment, EnrolmentStatus, LessonProgress, ProgressStatus

    statements = list(H5PStatement.objects.filter(activity=activity, pk__gte=first_statement).values(
        "pk", "teacher_id", "body", "client_score", "recomputed_score", "recomputed_max", "mismatch"))
    attempts = {a["statement_id"]: a for a in H5PAttempt.objects.filter(
        activity=activity, statement_id__gte=first_statement).values(
        "statement_id", "score", "max_score", "percent", "passed", "flagged", "scored_by")}
    wrong_score = wrong_flag = wrong_statement = missing_attempt = unknown = 0
    lied = 0
    answered_right: set[int] = set()
    for row in statements:
        response = row["body"]["result"]["response"]
        expected = EXPECTED.get(response)
        lie = bool(row["body"].get("context", {}).get("extensions", {}).get(LIE_EXTENSION))
        lied += lie
        if expected is None:
            unknown += 1
            continue
        if expected == MAXIMUM:
            answered_right.add(row["teacher_id"])
        if (row["recomputed_score"], row["recomputed_max"], row["mismatch"]) != (expected, Decimal(MAXIMUM), lie):
            wrong_statement += 1
        attempt = attempts.get(row["pk"])
        if attempt is None:
            missing_attempt += 1
            continue
        if (attempt["score"], attempt["max_score"], attempt["scored_by"]) != (expected, Decimal(MAXIMUM), "server"):
            wrong_score += 1
        if attempt["flagged"] != lie:
            wrong_flag += 1
    rows = len(statements)
    after = rows - ok
    print(f"records: {rows:,} statements for {ok:,} 2xx responses"
          + (f" (+{after} answered after wrk stopped counting; {unanswered} were in flight)" if after else "")
          + f"; {len(attempts):,} attempts, {missing_attempt} statements without one")
    print(f"  scores: {rows - wrong_score - missing_attempt - unknown:,} attempts scored as recomputed (right 2/2, "
          f"wrong 0/2), {wrong_score} not; statements with the wrong recomputation or flag: {wrong_statement}")
    print(f"  lies: {lies} sent, {lied} stored, flagged {sum(1 for a in attempts.values() if a['flagged'])}; "
          f"attempts flagged wrongly or left unflagged: {wrong_flag}; unknown responses: {unknown}")
    done = LessonProgress.objects.filter(enrolment__course=course, lesson=lesson, status=ProgressStatus.DONE,
                                         enrolment__teacher_id__in=answered_right).count()
    right_teachers = len(answered_right)
    active = Enrolment.objects.filter(course=course, teacher_id__in=teacher_ids, status=EnrolmentStatus.ACTIVE).count()
    print(f"  lesson done for {done:,} of the {right_teachers:,} teachers who answered right; "
          f"{active:,} of {len(teacher_ids):,} enrolments still active")
    return (0 <= after <= unanswered and 0 <= lies - lied <= unanswered and not (wrong_score or wrong_flag or wrong_statement
            or missing_attempt or unknown) and done == right_teachers and active == len(teacher_ids))


# --- queries per statement, in-process ---------------------------------------------------------------------


def normalise(sql: str) -> str:
    sql = re.sub(r'SAVEPOINT "s\w+"', "SAVEPOINT …", sql)
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(?:\.\d+)?\b", "?", sql)
    sql = re.sub(r"\(\?(?:, \?)*\)", "(…)", sql)
    columns = re.match(r"SELECT (.*?) FROM (.*)", sql, re.S)
    if columns:  # the column list says little; the tables and conditions say what it is
        sql = "SELECT … FROM " + columns.group(2)
    return re.sub(r"\s+", " ", sql)


def query_origin() -> str:
    """Where a query comes from: the innermost project function (and its project caller), else Django's."""
    frame, found = sys._getframe(2), []
    project = str(ROOT) + os.sep
    while frame is not None and len(found) < 2:
        name = frame.f_code.co_filename
        if name.startswith(project) and "/.venv/" not in name and "/bench/" not in name:
            found.append(f"{Path(name).stem}.{frame.f_code.co_name}")
        elif not found and re.search(r"django/contrib/(\w+)/", name):
            return "django." + re.search(r"django/contrib/(\w+)/", name).group(1)  # type: ignore[union-attr]
        frame = frame.f_back
    return " ← ".join(found) or "?"


def queries_profile(path: str, teachers: list[tuple[str, str, str, str]], *, samples: int, profile: bool) -> None:
    """Time `samples` statements in-process (one test client, as a worker loads the middleware once) and say
    which queries each makes, where from, and what share of the request they take."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    per_kind: dict[tuple[str, str], list[float]] = defaultdict(list)
    counts: Counter[int] = Counter()
    origins: list[tuple[str, str, float]] = []
    wall = cpu = sql = 0.0
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()

    def wrapper(execute, sql_text, params, many, context):  # type: ignore[no-untyped-def]
        origin, started = query_origin(), time.perf_counter()
        try:
            return execute(sql_text, params, many, context)
        finally:
            origins.append((origin, sql_text, time.perf_counter() - started))

    with override_settings(ALLOWED_HOSTS=["testserver", "127.0.0.1"]), connection.execute_wrapper(wrapper):
        client = Client(enforce_csrf_checks=True)
        for n in range(samples + 5):
            session, csrf, mbox, token = teachers[-1 - (n % min(50, len(teachers)))]
            client.cookies.clear()
            client.cookies["sessionid"], client.cookies["csrftoken"] = session, csrf
            right = n % 2 == 0
            body = statement_body(mbox=mbox, response=RIGHT if right else WRONG, raw=MAXIMUM if right else 0)
            measured = n >= 5  # the first few load modules and warm caches
            origins.clear()
            with CaptureQueriesContext(connection) as captured:
                if measured and profiler:
                    profiler.enable()
                started, cpu_started = time.perf_counter(), time.process_time()
                response = client.post(path, data=body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf,
                                       HTTP_X_H5P_TOKEN=token)
                elapsed, cpu_used = time.perf_counter() - started, time.process_time() - cpu_started
                if measured and profiler:
                    profiler.disable()
            if response.status_code != 200:
                sys.exit(f"in-process statement answered {response.status_code}: {response.content[:200]!r}")
            if not measured:
                continue
            wall, cpu = wall + elapsed, cpu + cpu_used
            counts[len(captured.captured_queries)] += 1
            # BEGIN and COMMIT are logged but bypass execute wrappers: they are taken from the captured log.
            for query in captured.captured_queries:
                if query["sql"] in ("BEGIN", "COMMIT", "ROLLBACK"):
                    sql += float(query["time"])
                    per_kind[("(transaction)", query["sql"])].append(float(query["time"]))
            for origin, sql_text, seconds in origins:
                sql += seconds
                per_kind[(origin, normalise(sql_text.replace("%s", "?")))].append(seconds)
    print(f"in-process (test client, CSRF enforced, {samples} statements, one connection, no concurrency): "
          f"{wall / samples * 1000:.1f} ms a statement, of which SQL (round trips as seen by Django) "
          f"{sql / samples * 1000:.1f} ms ({100 * sql / wall:.0f} %); this process's CPU {cpu / samples * 1000:.1f} ms; "
          "queries per statement: " + ", ".join(f"{k} ({v}×)" for k, v in sorted(counts.items())))
    ranked = sorted(per_kind.items(), key=lambda item: -sum(item[1]))
    print("  calls/stmt    ms  share  from                                              query")
    for (origin, kind), times in ranked:
        print(f"  {len(times) / samples:10.2f} {sum(times) / samples * 1000:5.2f} {100 * sum(times) / wall:5.1f}%  "
              f"{origin[:48]:<48}  {kind[:110]}")
    if profiler is not None:
        import io
        import pstats

        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(r"/work/main/(courses|assessments|lms)/|site-packages/django/(contrib|middleware)", 30)
        stats.sort_stats("tottime").print_stats(20)
        print(out.getvalue().replace(str(ROOT) + "/.venv/lib/python3.11/site-packages/", "").replace(str(ROOT) + "/", ""))


# --- main ----------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--teachers", type=int, default=2_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--samples", type=int, default=100, help="statements timed in-process for the query profile")
    parser.add_argument("--profile", action="store_true", help="also cProfile the in-process statements")
    parser.add_argument("--async-commit", action="store_true",
                        help="the workers commit without waiting for the WAL flush (synchronous_commit=off): "
                             "shows what the flushes cost; the product does not do this")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: `make bench-h5p-xapi` installs it (apt-get install wrk)")

    url = database_url()
    ensure_database(url)
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Max

    from assessments.models import H5PStatement

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    teachers = bench_teachers(args.teachers)
    institution = bench_institution()
    activity = bench_activity(institution)
    course, lesson, block_id = bench_lesson(activity)
    logins, reactivated = enrol_and_log_in(course, lesson, block_id, activity, teachers)
    path = f"/learn/lessons/{lesson.pk}/h5p/{block_id}/statements/"
    print(f"{len(teachers):,} teachers enrolled and logged in (one session and CSRF token each), activity "
          f"{activity.pk} ({activity.package.main_library}), lesson {lesson.pk}: {time.perf_counter() - started:.1f} s"
          + (f"; {reactivated} enrolments reactivated" if reactivated else ""))
    connection.close()
    server = start_gunicorn(args.workers, async_commit=args.async_commit)
    try:
        wait_for_port(PORT)
        warm_up(path, logins)
        first_statement = (H5PStatement.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        connection.close()
        import psutil

        workers = [child.pid for child in psutil.Process(server.pid).children()]
        postgres = postgres_pids()
        cpu_before, pg_before, load_before = cpu_seconds(workers), cpu_seconds(postgres), os.getloadavg()[0]
        with tempfile.TemporaryDirectory() as folder:
            teachers_file = Path(folder) / "teachers.txt"
            teachers_file.write_text("".join(" ".join(row) + "\n" for row in logins))
            output = run_wrk(teachers_file, path, threads=args.threads, connections=args.connections,
                             seconds=args.seconds)
        time.sleep(0.5)  # the statements still in flight are answered
        cpu_after, pg_after, load_after = cpu_seconds(workers), cpu_seconds(postgres_pids()), os.getloadavg()[0]
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = dict(re.findall(r"(\w+)=(\d+)", re.search(r"H5P_RESULT (.*)", output).group(1)))  # type: ignore[union-attr]
    r = {k: int(v) for k, v in result.items()}
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    answered = r["ok"] + r["bad"] + r["forbidden"] + r["other"]
    unanswered = max(r["sent"] - answered, 0)
    print(f"statements: {rate:,.0f}/s, latency p50 {r['p50_us'] / 1000:.1f} ms, p90 {r['p90_us'] / 1000:.1f} ms, "
          f"p99 {r['p99_us'] / 1000:.1f} ms, max {r['max_us'] / 1000:.1f} ms; 2xx {r['ok']:,}, non-2xx "
          f"{answered - r['ok']} (400: {r['bad']}, 403: {r['forbidden']}, other: {r['other']})")
    print(f"CPU: gunicorn workers {cpu_after - cpu_before:.1f} s = {(cpu_after - cpu_before) / max(answered, 1) * 1000:.1f} ms "
          f"a statement; PostgreSQL (all its processes) {pg_after - pg_before:.1f} s = "
          f"{(pg_after - pg_before) / max(answered, 1) * 1000:.1f} ms a statement; load average {load_before:.1f} before, "
          f"{load_after:.1f} after, on {os.cpu_count()} CPUs")
    teacher_ids = [t for t, _u in teachers]
    fine = records_check(activity, lesson, course, teacher_ids, first_statement=first_statement, ok=r["ok"],
                         unanswered=unanswered, lies=r["lies"])
    verdict = rate >= TARGET_RATE and fine and answered == r["ok"]
    if args.async_commit:
        print("(workers ran with synchronous_commit=off)")
    print(f"target ≥ {TARGET_RATE:.0f} statements/s, every 2xx recorded, scores recomputed, exactly the lies flagged: "
          f"{'PASS' if verdict else 'FAIL'}")
    if args.samples:
        queries_profile(path, logins, samples=args.samples, profile=args.profile)


if __name__ == "__main__":
    main()
