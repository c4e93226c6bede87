"""Benchmark: the expiry sweep marking 100,000 timed-out quiz attempts of 20 items with 2 worker processes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_bench .venv/bin/python bench/quiz_marking.py

Creates the database if missing and migrates (base settings, DEBUG off, whatever make exports). Sets
up, once: a bench institution (JGQZMK01) with a bank of 120 items, 20 of each type, on six capability
points. Each run makes quizzes of its own (20 minutes) and, by COPY, --attempts attempts in progress, one
per quiz and teacher over --teachers teachers already in the database (those of the generated province,
never the roster bench's 970000; a province is generated when there are none; attempts / teachers
quizzes): --items items each drawn from the bank, started two hours ago (so past the deadline and the
grace), with answers to about 85 % of the items, varied as a class's would be (the right answer most
often, then every wrong option, subset, order, pairing and spelling). Then marks them all with 2 worker
processes and prints wall time, attempts/s, item results/s and each worker process's peak RSS and CPU;
checks that every attempt is submitted with one result per drawn item and that a sample of attempts
carries exactly what assessments.quizzes.services.attempt_marking gives for its answers. Target: all of
them in < 60 s. Earlier runs' attempts stay (all submitted; the item results are append-only, so they
cannot be deleted row by row): --fresh empties the quiz attempt tables first with TRUNCATE … CASCADE,
which also empties the tables that reference attempts (competency results).

--mode celery (default): a real worker, `celery -A lms worker -c 2 --pool prefork`, on the Redis broker
--broker (default redis://127.0.0.1:6379/5, flushed first: it is the bench's own); the bench sends
quiz_attempts_expire_sweep, which runs in the worker and fans out batches of --batch-size as
quiz_attempts_mark_batch tasks, and the clock runs from sending the sweep until no attempt of the run is
in progress. --mode processes: two multiprocessing processes each calling quiz_attempts_mark on batches
of its half of the ids (no broker: shows the cost of Celery itself).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import multiprocessing
import os
import random
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, database_url, ensure_database, setup_django  # noqa: E402

TARGET_SECONDS = 60.0
INSTITUTION_CODE = "JGQZMK01"
QUIZ_TITLE = "阅卷基准测验"
ROSTER_PROVINCE = "970000"  # bench/roster_import.py deletes teachers there: leave them alone
COMPETENCIES = ("A1", "A3", "A5", "A6", "A10", "B6")
ITEMS_PER_TYPE = 20
DEFAULT_BROKER = "redis://127.0.0.1:6379/5"
QUIZ_TABLES = ("assessments_quizitemresult", "assessments_quizanswer", "assessments_quizattempt")


# --- the item bank: keys and the responses a teacher might give ------------------------------------------

FIRST_BLANK = ("演示文稿", "PPT", "ppt", "ＰＰＴ", " 演示文稿 ", "幻灯片", "课件", "PowerPoint")
SECOND_BLANK = ("微课", "微 课", "微课程", "视频", "短视频", "")
STEPS = ["导入", "讲授", "练习", "总结"]
PAIRS = {"学情分析": "问卷", "演示文稿": "课件", "课堂测验": "投票"}
RIGHTS = ["问卷", "课件", "投票", "视频"]


def item_specs(rng: random.Random) -> list[tuple[str, dict[str, Any], list[Any]]]:
    """(type, key, responses to choose from) for each bank item. The responses vary about as much as a
    class's would: the right answer most often, then every wrong option, subset, order, pairing or spelling."""
    specs: list[tuple[str, dict[str, Any], list[Any]]] = []
    for n in range(ITEMS_PER_TYPE):
        right = rng.choice("ABCD")
        specs.append(("single", {"options": list("ABCD"), "correct": right}, [right] * 3 + list("ABCD")))
        correct = sorted(rng.sample("ABCDE", 2 + n % 2))
        subsets = [sorted(rng.sample("ABCDE", rng.randint(1, 4))) for _ in range(8)]
        scoring = "partial" if n % 2 else "all_or_nothing"
        specs.append(("multiple", {"options": list("ABCDE"), "correct": correct, "scoring": scoring},
                      [correct] * 3 + subsets))
        truth = n % 3 != 0
        specs.append(("true_false", {"correct": truth}, [truth, truth, not truth]))
        blanks = [[first, second] for first in FIRST_BLANK for second in SECOND_BLANK]
        specs.append(("fill_in", {"blanks": [["演示文稿", "PPT"], ["微课"]]}, [["演示文稿", "微课"]] * 8 + blanks))
        orders = [list(order) for order in itertools.permutations(STEPS)]
        specs.append(("ordering", {"items": STEPS, "scoring": scoring}, [STEPS] * 8 + orders))
        pairings = [{left: rng.choice([*RIGHTS, None]) for left in PAIRS} for _ in range(30)]
        specs.append(("matching", {"pairs": PAIRS, "rights": RIGHTS}, [PAIRS] * 8 + pairings))
    return specs


def bench_bank() -> dict[int, list[Any]]:
    """The bench institution's item bank: item id → the responses to choose from. Made once; made again
    (new items) when this file's specs changed since."""
    from assessments.models import FrameworkNode, QuizItem
    from assessments.quizzes.services import quiz_item_create
    from assessments.services import framework_2_0_core_ensure

    institution = bench_institution()
    specs = item_specs(random.Random(1))  # the same bank every run
    stored = list(QuizItem.objects.filter(institution=institution).order_by("-pk").values_list("pk", "item_type", "key")
                  [:len(specs)])[::-1]
    if [(t, k) for _pk, t, k in stored] != [(t, k) for t, k, _r in specs]:
        framework_2_0_core_ensure()
        nodes = {n.code: n for n in FrameworkNode.objects.filter(framework__is_current=True, code__in=COMPETENCIES)}
        stored = [
            (quiz_item_create(institution=institution, item_type=item_type, stem=f"阅卷基准题 {n + 1}", key=key,
                              competency=nodes[COMPETENCIES[n % len(COMPETENCIES)]]).pk, item_type, key)
            for n, (item_type, key, _responses) in enumerate(specs)
        ]
    return {pk: spec[2] for (pk, _t, _k), spec in zip(stored, specs)}


def bench_institution():  # type: ignore[no-untyped-def]
    from lms.models import Organisation, OrganisationKind
    from lms.services import organisation_create

    found = Organisation.objects.filter(code=INSTITUTION_CODE).first()
    if found is not None:
        return found
    province = Organisation.objects.filter(kind=OrganisationKind.PROVINCE).exclude(code=ROSTER_PROVINCE).order_by(
        "path").first() or organisation_create(parent=None, kind=OrganisationKind.PROVINCE, code="960000", name="阅卷基准省")
    return organisation_create(parent=province, kind=OrganisationKind.INSTITUTION, code=INSTITUTION_CODE,
                               name="阅卷基准培训中心")


def bench_teachers(count: int) -> list[int]:
    """Ids of `count` teachers, generating a province when the database has none."""
    from django.core.management import call_command

    from lms.models import Organisation, Teacher

    def pick() -> list[int]:
        teachers = Teacher.objects.all()
        roster = Organisation.objects.filter(code=ROSTER_PROVINCE).first()
        if roster is not None:
            teachers = teachers.exclude(school__path__startswith=roster.path)
        return list(teachers.order_by("id").values_list("id", flat=True)[:count])

    found = pick()
    if len(found) < count:
        if Teacher.objects.exists():
            sys.exit(f"The database has only {len(found)} usable teachers; run `make bench-generate` or use fewer.")
        print(f"no teachers yet: generating a province of {count:,}")
        call_command("generate_province", teachers=count)
        found = pick()
    return found


# --- the attempts, by COPY -------------------------------------------------------------------------------

def tables_empty() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(QUIZ_TABLES)} CASCADE")
    print(f"--fresh: emptied {', '.join(QUIZ_TABLES)} and the tables referencing them")


def quizzes_create(count: int) -> list[int]:
    from assessments.models import Quiz

    institution = bench_institution()
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    quizzes = Quiz.objects.bulk_create(
        Quiz(institution=institution, title=f"{QUIZ_TITLE} {stamp} #{n + 1}", time_limit_minutes=20,
             rules=[{"competency": code, "count": 20 // len(COMPETENCIES) + 1} for code in COMPETENCIES])
        for n in range(count)
    )
    return [quiz.pk for quiz in quizzes]


def attempts_copy(*, quiz_ids: list[int], teacher_ids: list[int], count: int, items: list[int], per_attempt: int,
                  rng: random.Random) -> None:
    """`count` attempts in progress, started two hours ago: one per (quiz, teacher), quiz by quiz."""
    from django.db import connection

    started = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=2)
    deadline = started + dt.timedelta(minutes=20)
    columns = "quiz_id, teacher_id, number, seed, item_ids, started_at, deadline, status, passed"
    with connection.cursor() as cursor, cursor.copy(f"COPY assessments_quizattempt ({columns}) FROM STDIN") as copy:
        for n in range(count):
            quiz_id, teacher_id = quiz_ids[n // len(teacher_ids)], teacher_ids[n % len(teacher_ids)]
            drawn = json.dumps(rng.sample(items, per_attempt))
            copy.write_row((quiz_id, teacher_id, 1, f"bench{n:x}", drawn, started, deadline, "in_progress", False))


def answers_copy(*, quiz_ids: list[int], bank: dict[int, list[Any]], rng: random.Random) -> int:
    """Answers to about 85 % of each attempt's items; the number written."""
    from django.db import connection

    from assessments.models import QuizAttempt

    answered_at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1, minutes=50)
    encoded = {pk: [json.dumps(r, ensure_ascii=False) for r in responses] for pk, responses in bank.items()}
    # Read before the COPY starts: a server-side cursor cannot fetch on a connection busy with COPY.
    attempts = list(QuizAttempt.objects.filter(quiz_id__in=quiz_ids).values_list("pk", "item_ids"))
    written = 0
    with connection.cursor() as cursor, cursor.copy(
        "COPY assessments_quizanswer (attempt_id, item_id, response, answered_at) FROM STDIN"
    ) as copy:
        for attempt_id, item_ids in attempts:
            for item_id in item_ids:
                if rng.random() < 0.85:
                    copy.write_row((attempt_id, item_id, rng.choice(encoded[item_id]), answered_at))
                    written += 1
    return written


def set_up(args: argparse.Namespace) -> list[int]:
    """Fill the database for one run; the run's quiz ids."""
    from django.db import connection

    rng = random.Random(args.seed)
    if args.fresh:
        tables_empty()
    started = time.perf_counter()
    bank = bench_bank()
    quizzes = -(-args.attempts // args.teachers)
    teacher_ids = bench_teachers(args.teachers)
    quiz_ids = quizzes_create(quizzes)
    attempts_copy(quiz_ids=quiz_ids, teacher_ids=teacher_ids, count=args.attempts, items=list(bank),
                  per_attempt=args.items, rng=rng)
    answers = answers_copy(quiz_ids=quiz_ids, bank=bank, rng=rng)
    with connection.cursor() as cursor:  # fresh statistics and visibility map, as an autovacuumed table has
        cursor.execute("VACUUM (ANALYZE) assessments_quizattempt, assessments_quizanswer, assessments_quizitemresult")
    seconds = time.perf_counter() - started
    print(f"set-up: {args.attempts:,} attempts in progress ({quizzes} quizzes × {len(teacher_ids):,} teachers, "
          f"{args.items} of {len(bank)} items each), {answers:,} answers, by COPY in {seconds:.1f} s")
    return quiz_ids


# --- marking: a real Celery worker, or two plain processes -----------------------------------------------

def peak_rss_mb(pid: int) -> float:
    """VmHWM, the process's peak resident set, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker_start(args: argparse.Namespace) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CELERY_BROKER_URL": args.broker}
    command = [
        str(Path(sys.executable).with_name("celery")), "-A", "lms", "worker", "-c", str(args.workers),
        "--pool", "prefork", "-Q", "default", "--loglevel", "WARNING", "--without-gossip", "--without-mingle",
        "--hostname", f"quiz-marking-bench-{os.getpid()}@%h",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)  # its banner; errors still show


def worker_ready(worker: subprocess.Popen[bytes], timeout: float = 90.0) -> None:
    from lms.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            sys.exit(f"the Celery worker exited with {worker.returncode}")
        if app.control.ping(timeout=0.5):
            return
    sys.exit(f"the Celery worker did not answer a ping within {timeout:.0f} s")


def to_mark() -> tuple[int, int]:
    """(attempts, drawn items) the sweep will mark: this run's and any an interrupted earlier run left."""
    from django.db import connection

    from assessments.quizzes.services import DEADLINE_GRACE

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), COALESCE(sum(jsonb_array_length(item_ids)), 0) FROM assessments_quizattempt "
            "WHERE status = 'in_progress' AND deadline < now() - %s", [DEADLINE_GRACE],
        )
        attempts, items = cursor.fetchone()
    return attempts, items


def in_progress(quiz_ids: list[int]) -> int:
    from assessments.models import AttemptStatus, QuizAttempt

    return QuizAttempt.objects.filter(quiz_id__in=quiz_ids, status=AttemptStatus.IN_PROGRESS).count()


def wait_until_marked(quiz_ids: list[int], worker: subprocess.Popen[bytes], timeout: float) -> None:
    started = last_report = time.monotonic()
    while (left := in_progress(quiz_ids)) > 0:
        now = time.monotonic()
        if worker.poll() is not None or now - started > timeout:
            sys.exit(f"{left:,} attempts still in progress after {now - started:.0f} s "
                     f"(worker exit code {worker.returncode})")
        if now - last_report >= 10:
            print(f"  … {now - started:5.1f} s: {left:,} attempts still in progress", flush=True)
            last_report = now
        time.sleep(0.2)


def run_celery(args: argparse.Namespace, quiz_ids: list[int]) -> tuple[float, list[tuple[str, float, float]]]:
    """Wall seconds from sending the sweep until every attempt is submitted; (process, peak MB, CPU s)."""
    import psutil
    import redis

    from assessments.quizzes.tasks import quiz_attempts_expire_sweep

    redis.Redis.from_url(args.broker).flushdb()  # the bench's own broker database: no stale tasks
    worker = worker_start(args)
    try:
        worker_ready(worker)
        started = time.perf_counter()
        quiz_attempts_expire_sweep.delay(batch_size=args.batch_size, limit=args.attempts + 100_000)
        wait_until_marked(quiz_ids, worker, timeout=args.timeout)
        wall = time.perf_counter() - started
        main = psutil.Process(worker.pid)
        processes = [("worker main", main)] + [(f"pool child {n + 1}", c) for n, c in enumerate(main.children())]
        figures = [(name, peak_rss_mb(p.pid), sum(p.cpu_times()[:2])) for name, p in processes]
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    return wall, figures


def mark_share(attempt_ids: list[int], batch_size: int) -> tuple[int, float, float]:
    """In a child process: mark these ids batch by batch; (marked, peak MB, CPU s)."""
    from django.conf import settings
    from django.utils import translation

    from assessments.quizzes.bulk import quiz_attempts_mark

    marked = 0
    with translation.override(settings.LANGUAGE_CODE):
        for start in range(0, len(attempt_ids), batch_size):
            marked += quiz_attempts_mark(attempt_ids=attempt_ids[start:start + batch_size])
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return marked, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def run_processes(args: argparse.Namespace, quiz_ids: list[int]) -> tuple[float, list[tuple[str, float, float]]]:
    from django.db import connections
    from django.utils import timezone

    from assessments.quizzes.bulk import quiz_attempts_expired_ids

    started = time.perf_counter()
    ids = quiz_attempts_expired_ids(now=timezone.now(), limit=args.attempts + 100_000)
    half = -(-len(ids) // args.workers)
    connections.close_all()  # the children open their own
    with multiprocessing.get_context("fork").Pool(args.workers) as pool:
        shares = pool.starmap(mark_share, [(ids[n:n + half], args.batch_size) for n in range(0, len(ids), half)])
    wall = time.perf_counter() - started
    if in_progress(quiz_ids):
        sys.exit(f"{in_progress(quiz_ids):,} attempts still in progress")
    return wall, [(f"process {n + 1} ({marked:,} marked)", mb, cpu) for n, (marked, mb, cpu) in enumerate(shares)]


# --- checks ------------------------------------------------------------------------------------------------

def check(quiz_ids: list[int], *, sample: int, rng: random.Random) -> list[str]:
    """What is wrong with the run's results (nothing: an empty list)."""
    from django.db import connection

    problems = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), COALESCE(sum(jsonb_array_length(item_ids)), 0), "
            "count(*) FILTER (WHERE status <> 'submitted' OR score IS NULL OR submitted_at IS NULL) "
            "FROM assessments_quizattempt WHERE quiz_id = ANY(%s)", [quiz_ids],
        )
        attempts, drawn, open_ = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM assessments_quizitemresult r JOIN assessments_quizattempt a ON a.id = r.attempt_id "
            "WHERE a.quiz_id = ANY(%s)", [quiz_ids],
        )
        rows = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*), count(DISTINCT c.quiz_attempt_id) FROM assessments_competencyresult c "
            "JOIN assessments_quizattempt a ON a.id = c.quiz_attempt_id WHERE a.quiz_id = ANY(%s)", [quiz_ids],
        )
        competency_rows, attempts_with_results = cursor.fetchone()
    print(f"check: {attempts:,} attempts, {open_:,} not submitted; {rows:,} item results for {drawn:,} drawn items")
    print(f"check: {competency_rows:,} competency results (one per attempt and competency) for {attempts_with_results:,} attempts")
    if attempts_with_results != attempts:
        problems.append(f"competency results for {attempts_with_results:,} of {attempts:,} attempts")
    if open_:
        problems.append(f"{open_:,} attempts not submitted")
    if rows != drawn:  # (attempt, item) is unique, so equal counts mean one result per drawn item
        problems.append(f"{rows:,} item results for {drawn:,} drawn items")
    return problems + sample_check(quiz_ids, sample=sample, rng=rng)


def sample_check(quiz_ids: list[int], *, sample: int, rng: random.Random) -> list[str]:
    """Re-mark a sample of attempts from their answers, in memory, and compare with what was recorded."""
    from django.conf import settings
    from django.utils import translation

    from assessments.models import Quiz, QuizAnswer, QuizAttempt, QuizItem, QuizItemResult
    from assessments.quizzes.services import ItemToMark, attempt_marking

    items = {
        pk: ItemToMark(item_type=t, key=k, points=p, competency_code=c)
        for pk, t, k, p, c in QuizItem.objects.filter(institution=bench_institution()).values_list(
            "pk", "item_type", "key", "points", "competency__code")
    }
    pass_marks = dict(Quiz.objects.filter(pk__in=quiz_ids).values_list("pk", "pass_mark"))
    ids = list(QuizAttempt.objects.filter(quiz_id__in=quiz_ids).values_list("pk", flat=True))
    problems = []
    with translation.override(settings.LANGUAGE_CODE):
        for attempt in QuizAttempt.objects.filter(pk__in=rng.sample(ids, min(sample, len(ids)))):
            responses = dict(QuizAnswer.objects.filter(attempt=attempt).values_list("item_id", "response"))
            marking = attempt_marking(item_ids=attempt.item_ids, items=items, responses=responses,
                                      pass_mark=pass_marks[attempt.quiz_id])
            expected = [(m.item_id, m.position, m.response, m.mark.score, m.mark.correct, m.mark.explanation,
                         list(m.mark.detail)) for m in marking.items]
            recorded = list(QuizItemResult.objects.filter(attempt=attempt).order_by("position").values_list(
                "item_id", "position", "response", "score", "correct", "explanation", "detail"))
            totals = (marking.score, marking.max_score, marking.percent, marking.passed)
            if recorded != expected or (attempt.score, attempt.max_score, attempt.percent, attempt.passed) != totals:
                problems.append(f"attempt {attempt.pk} is not recorded as it marks")
    print(f"check: {sample} attempts re-marked in memory, {len(problems)} differ from what was recorded")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--attempts", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=20, help="items per attempt")
    parser.add_argument("--teachers", type=int, default=2_000, help="attempts are spread over this many teachers")
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--mode", choices=["celery", "processes"], default="celery")
    parser.add_argument("--broker", default=os.environ.get("BENCH_BROKER_URL", DEFAULT_BROKER))
    parser.add_argument("--timeout", type=float, default=900.0, help="give up after this many seconds")
    parser.add_argument("--sample", type=int, default=200, help="attempts re-marked in memory to check")
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--fresh", action="store_true", help="TRUNCATE the quiz attempt tables (CASCADE) first")
    args = parser.parse_args()

    url = database_url()
    if args.mode == "celery":  # this process sends the sweep to the broker; the cache stays off Redis db 1
        os.environ["CELERY_BROKER_URL"] = args.broker
        os.environ.setdefault("CACHE_URL", args.broker)
    # The base settings, as in production: make exports lms.settings.dev (DEBUG on, every query kept).
    os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings.base"
    created = ensure_database(url)
    print(f"database {'created' if created else 'exists'}: {url}")
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    quiz_ids = set_up(args)
    print(f"marking with {args.workers} worker processes: " + (
        f"a Celery worker (`celery -A lms worker -c {args.workers} --pool prefork`, broker {args.broker}), "
        f"quiz_attempts_expire_sweep fanning out batches of {args.batch_size}" if args.mode == "celery" else
        f"{args.workers} multiprocessing processes, each quiz_attempts_mark on its half in batches of {args.batch_size}"
    ), flush=True)
    attempts, results = to_mark()
    print(f"load average before marking {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if attempts != args.attempts:
        print(f"(also {attempts - args.attempts:,} expired attempts an interrupted earlier run left in progress)")
    wall, processes = (run_celery if args.mode == "celery" else run_processes)(args, quiz_ids)
    print(f"marked {attempts:,} attempts ({results:,} item results) in {wall:.1f} s: "
          f"{attempts / wall:,.0f} attempts/s, {results / wall:,.0f} item results/s")
    for name, peak_mb, cpu in processes:
        print(f"  {name}: peak RSS {peak_mb:.0f} MB, CPU {cpu:.1f} s")
    print(f"load average after {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    problems = check(quiz_ids, sample=args.sample, rng=random.Random(args.seed))
    print(f"target (< {TARGET_SECONDS:.0f} s): {'met' if wall < TARGET_SECONDS else 'NOT met'}; "
          f"checks: {'passed' if not problems else 'FAILED: ' + '; '.join(problems[:5])}")
    if problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
