"""Benchmark: automatic reviewer assignment — 50,000 evidence submissions to 1,000 reviewers with conflict rules.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_bench .venv/bin/python bench/review_assign.py

Works in a database of its own next to the one DATABASE_URL names (its name + `--suffix`, default
`lms_bench_review_assign`), dropped and recreated on every run: the shared bench database (the generated
province other benches use, and their runs) is left alone. `--suffix ''` uses DATABASE_URL's database itself
(and drops it).

Set-up, fast (no per-row services): a province (930000) of 10 cities, 100 counties and 2,000 schools whose
tree goes in with computed treebeard paths; 50,000 teachers with accounts and postings (valid, encrypted ID
numbers) built by generate_province's block builder and loaded by COPY; 1,000 reviewer accounts (a reviewer
role at their home school) in one provincial pool, conflict scope "school", default cap 120, every member
calibrated, about 10 % with an extra conflict set of 1–3 random counties; the default evidence task for
competency A1; and, by COPY, one submission per teacher, "submitted" at a random time in the last 3 days,
from the teacher's school, with a unique blind code.

Then:
1. the planner alone: the same reads review_assign makes (waiting submissions, the pool's reviewers, what
   each submission needs), timed, and plan_assignments on them (best of --plan-runs);
2. review_assign() once, whole, in a child process (so that its peak RSS is the call's own), timed with a
   breakdown by phase (the module's steps wrapped with timers);
3. checks in SQL: every submission exactly 2 live assignments (first + second) with distinct reviewers and
   "in review"; open assignments per reviewer against their cap; conflicts (an assignment whose submission's
   school path starts with the reviewer's home path or the path of any organisation in their conflict set:
   must be 0), next to how many submissions had at least one conflicted reviewer in the pool; load spread;
   the assignments equal to the planner's placements; one "assigned" event per submission.
Target: < 30 s, nobody over their cap, 0 conflicts.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import database_url, ensure_database, setup_django  # noqa: E402

TARGET_SECONDS = 30.0
PROVINCE_CODE = "930000"
POOL_NAME = "评审基准专家库"


# --- the database -------------------------------------------------------------------------------------------

def own_database_url(url: str, suffix: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + suffix)) if suffix else url


def memory_mb(key: str) -> float:
    """VmRSS (now) or VmHWM (peak) of this process. Not ru_maxrss: a child started by fork + exec inherits
    its parent's peak there, and this bench's parent holds the whole set-up."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- set-up -------------------------------------------------------------------------------------------------

def build_layout(*, teachers: int, cities: int, counties: int, schools: int, seed: int) -> Any:
    """Province → cities → counties (equal shares) → schools (equal shares), with treebeard paths."""
    from lms.models import OrganisationKind
    from lms.synthetic.names import city_name, county_name, ordinal
    from lms.synthetic.people import pick_stage
    from lms.synthetic.province import (
        SCHOOL_SUFFIX,
        NodeSpec,
        ProvinceLayout,
        SchoolSpec,
        next_root_step,
        school_sizes,
        step,
    )

    rng = random.Random(seed)
    sizes = iter(school_sizes(teachers, schools, rng))
    root = step(next_root_step())
    nodes = [NodeSpec(root, 1, cities, OrganisationKind.PROVINCE, PROVINCE_CODE, "评审基准省")]
    specs = []
    county_index = 0
    for c in range(cities):
        city_code = f"{PROVINCE_CODE[:2]}{c + 1:02d}00"
        city_path = root + step(c + 1)
        city_counties = counties // cities + (1 if c < counties % cities else 0)
        nodes.append(NodeSpec(city_path, 2, city_counties, OrganisationKind.CITY, city_code, city_name(c)))
        for k in range(1, city_counties + 1):
            county_code = f"{city_code[:4]}{k:02d}"
            county_path = city_path + step(k)
            county_schools = schools // counties + (1 if county_index < schools % counties else 0)
            cname = county_name(county_index)
            county_index += 1
            nodes.append(NodeSpec(county_path, 3, county_schools, OrganisationKind.COUNTY, county_code, cname))
            for number in range(1, county_schools + 1):
                stage = pick_stage(rng)
                code = f"{county_code}{number:04d}"
                name = f"{cname}第{ordinal(number)}{SCHOOL_SUFFIX[stage]}"
                nodes.append(NodeSpec(county_path + step(number), 4, 0, OrganisationKind.SCHOOL, code, name))
                specs.append(SchoolSpec(code=code, area_code=county_code, stage=stage, teachers=next(sizes)))
    return ProvinceLayout(nodes=nodes, schools=specs)


def load_teachers(layout: Any, seed: int) -> tuple[int, int]:
    """The tree, then users + teachers + postings by COPY (generate_province's blocks, 2 builder processes)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from lms.models import Organisation, Teacher, TeacherPosting
    from lms.synthetic.generate import GenerateReport, _built_in_pool, _load_block, insert_tree, plan_blocks
    from lms.synthetic.loader import loader_for_connection

    with transaction.atomic():
        school_ids = insert_tree(layout)
    report = GenerateReport()
    loader = loader_for_connection()
    for rows in _built_in_pool(plan_blocks(layout, school_ids, seed), min(2, os.cpu_count() or 1), report):
        _load_block(loader, rows, report)
        report.teachers += len(rows.teachers)
    loader.finish([get_user_model(), Teacher, TeacherPosting, Organisation])
    return len(layout.nodes), report.teachers


def make_reviewers_and_pool(*, province: Any, reviewers: int, cap: int, extra_share: float, rng: random.Random) -> Any:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from assessments.models import CalibrationStatus, ConflictScope, PoolMember, ReviewerPool
    from lms.models import Organisation, OrganisationKind, Role, RoleGrant

    now = timezone.now()
    school_ids = list(Organisation.objects.filter(kind=OrganisationKind.SCHOOL, path__startswith=province.path)
                      .values_list("id", flat=True))
    county_ids = list(Organisation.objects.filter(kind=OrganisationKind.COUNTY, path__startswith=province.path)
                      .values_list("id", flat=True))
    User = get_user_model()
    users = User.objects.bulk_create(
        [User(username=f"reviewbench{n:04d}", password="!", first_name=f"评审{n:04d}", date_joined=now)
         for n in range(reviewers)],
        batch_size=2_000,
    )
    homes = [rng.choice(school_ids) for _ in users]
    RoleGrant.objects.bulk_create(
        [RoleGrant(user=u, role=Role.REVIEWER, organisation_id=home) for u, home in zip(users, homes, strict=True)],
        batch_size=2_000,
    )
    pool = ReviewerPool.objects.create(
        region=province, name=POOL_NAME, default_cap=cap, conflict_scope=ConflictScope.SCHOOL
    )
    members = PoolMember.objects.bulk_create(
        [PoolMember(pool=pool, reviewer=u, home_id=home, calibration=CalibrationStatus.PASSED, calibrated_at=now)
         for u, home in zip(users, homes, strict=True)],
        batch_size=2_000,
    )
    Through = PoolMember.conflicts.through
    links = []
    for member in rng.sample(members, round(extra_share * len(members))):
        for county_id in rng.sample(county_ids, rng.randint(1, 3)):
            links.append(Through(poolmember_id=member.pk, organisation_id=county_id))
    Through.objects.bulk_create(links, batch_size=2_000)
    with_extra = len({link.poolmember_id for link in links})
    return pool, with_extra, len(links)


def make_task(province: Any) -> Any:
    from assessments.evidence.setup import evidence_task_default_create
    from assessments.models import FrameworkNode
    from assessments.services import framework_2_0_core_ensure

    framework_2_0_core_ensure()
    competency = FrameworkNode.objects.get(code="A1", framework__is_current=True)
    return evidence_task_default_create(owner=province, competency=competency, title="评审分配基准 A1 能力点测评")


def load_submissions(task: Any, rng: random.Random) -> int:
    """One submitted submission per teacher, by COPY, with explicit ids (the sequence is reset after)."""
    from django.db.models import Max
    from django.utils import timezone

    from assessments.evidence.submissions import BLIND_ALPHABET
    from assessments.models import Submission, SubmissionStatus
    from lms.models import Teacher
    from lms.synthetic.loader import loader_for_connection

    now = timezone.now()
    first_id = (Submission.objects.aggregate(top=Max("id"))["top"] or 0) + 1
    codes: set[str] = set()
    rows = []
    teachers = Teacher.objects.order_by("id").values_list("id", "school_id")
    for n, (teacher_id, school_id) in enumerate(teachers.iterator(chunk_size=10_000)):
        code = ""
        while not code or code in codes:
            code = "E" + "".join(rng.choices(BLIND_ALPHABET, k=8))
        codes.add(code)
        submitted = now - dt.timedelta(seconds=rng.randint(60, 3 * 86_400))
        rows.append((first_id + n, task.pk, teacher_id, school_id, code, SubmissionStatus.SUBMITTED.value, 0,
                     submitted, submitted - dt.timedelta(hours=1)))
    fields = ("id", "task_id", "teacher_id", "school_id", "blind_code", "status", "round", "submitted_at", "created_at")
    loader = loader_for_connection()
    loader.load(Submission, fields, rows)
    loader.finish([Submission])
    return len(rows)


def set_up(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection

    from assessments.models import PoolMember, ReviewerPool
    from lms.models import Organisation, RoleGrant

    rng = random.Random(args.seed)
    started = time.perf_counter()
    layout = build_layout(teachers=args.teachers, cities=args.cities, counties=args.counties, schools=args.schools,
                          seed=args.seed)
    organisations, teachers = load_teachers(layout, args.seed)
    after_teachers = time.perf_counter()
    print(f"tree + teachers: {organisations:,} organisations ({len(layout.schools):,} schools), "
          f"{teachers:,} teachers with accounts and postings in {after_teachers - started:.1f} s")
    province = Organisation.objects.get(code=PROVINCE_CODE)
    pool, with_extra, links = make_reviewers_and_pool(
        province=province, reviewers=args.reviewers, cap=args.cap, extra_share=args.extra_share, rng=rng
    )
    task = make_task(province)
    submissions = load_submissions(task, rng)
    with connection.cursor() as cursor:
        tables = [PoolMember._meta.db_table, PoolMember.conflicts.through._meta.db_table,
                  ReviewerPool._meta.db_table, RoleGrant._meta.db_table, "auth_user"]
        cursor.execute(f"ANALYZE {', '.join(tables)}")
    print(f"reviewers: {args.reviewers:,} in pool #{pool.pk} (conflict scope school, default cap {args.cap}), "
          f"{with_extra} with an extra conflict set ({links} counties in all); "
          f"submissions: {submissions:,} submitted; set-up rest {time.perf_counter() - after_teachers:.1f} s")
    return {"pool": pool, "task": task}


# --- the planner alone --------------------------------------------------------------------------------------

def time_planner(runs: int) -> dict[str, Any]:
    """The reads review_assign makes, then plan_assignments on the same inputs (best of `runs`)."""
    from django.db import transaction

    from assessments.models import ReviewerPool
    from assessments.review import assign

    timings: dict[str, float] = {}
    with transaction.atomic():
        started = time.perf_counter()
        pools = list(ReviewerPool.objects.filter(is_active=True).select_related("region"))
        subs = assign._waiting(None)
        timings["read waiting submissions"] = time.perf_counter() - started
        (pool,) = pools
        started = time.perf_counter()
        reviewers = assign.pool_reviewers(pool, calibration_needed=pool.calibration_cases.exists())
        timings["read reviewers"] = time.perf_counter() - started
        started = time.perf_counter()
        needs = list(assign._needs(subs, all_waiting=True).values())
        timings["read needs"] = time.perf_counter() - started
    plan_seconds = []
    placements: list[Any] = []
    unplaced: list[int] = []
    for _ in range(runs):
        fresh = [dataclasses.replace(r) for r in reviewers]
        started = time.perf_counter()
        placements, unplaced = assign.plan_assignments(needs, fresh)
        plan_seconds.append(time.perf_counter() - started)
    timings["plan_assignments (best)"] = min(plan_seconds)
    print(f"planner alone on the same inputs: {len(subs):,} waiting, {len(reviewers):,} reviewers, "
          f"{len(needs):,} needs -> {len(placements):,} placements, {len(set(unplaced)):,} left waiting")
    for phase, seconds in timings.items():
        print(f"  {phase:<28} {seconds:7.3f} s")
    print("  plan_assignments runs: " + ", ".join(f"{s:.3f}" for s in plan_seconds) + " s")
    return {"placements": {(p.submission_id, p.role, p.user_id) for p in placements}}


# --- the run, in a child process ----------------------------------------------------------------------------

def child_assign() -> None:
    """Run review_assign() once with the module's steps timed; print one JSON line."""
    setup_django()
    from django.db import connection

    from assessments.review import assign

    connection.ensure_connection()
    phases: dict[str, float] = {}

    def timed(name: str, label: str) -> None:
        func = getattr(assign, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                phases[label] = phases.get(label, 0.0) + time.perf_counter() - started

        setattr(assign, name, wrapper)

    for name, label in (("_waiting", "read + lock waiting submissions"), ("pool_reviewers", "read reviewers"),
                        ("_needs", "read needs"), ("plan_assignments", "plan_assignments"),
                        ("_write", "write (assignments, statuses, events)")):
        timed(name, label)
    rss_before = memory_mb("VmRSS")
    started = time.perf_counter()
    outcome = assign.review_assign()
    seconds = time.perf_counter() - started
    phases["rest (pools, grouping, commit)"] = seconds - sum(phases.values())
    print(json.dumps({"seconds": seconds, "assigned": outcome.assigned, "waiting": outcome.waiting,
                      "rss_before_mb": rss_before, "peak_rss_mb": memory_mb("VmHWM"), "phases": phases}))


def run_child(url: str) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run([sys.executable, __file__, "--child-assign"], env=env, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        sys.exit(f"review_assign failed in the child process (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- checks -------------------------------------------------------------------------------------------------

def one(sql: str, params: list[Any]) -> tuple[Any, ...]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def verify(pool: Any, task: Any, planned: set[tuple[int, str, int]]) -> bool:
    from assessments.models import PoolMember, ReviewAssignment, ReviewEvent, Submission
    from lms.models import Organisation

    sub, asg, pm = Submission._meta.db_table, ReviewAssignment._meta.db_table, PoolMember._meta.db_table
    org, conf, evt = Organisation._meta.db_table, PoolMember.conflicts.through._meta.db_table, ReviewEvent._meta.db_table
    ok = True

    total, good, in_review = one(f"""
        SELECT count(*),
               count(*) FILTER (WHERE live = 2 AND firsts = 1 AND seconds = 1 AND reviewers = 2),
               count(*) FILTER (WHERE status = 'in_review')
        FROM (SELECT s.id, s.status,
                     count(a.id) AS live,
                     count(a.id) FILTER (WHERE a.role = 'first') AS firsts,
                     count(a.id) FILTER (WHERE a.role = 'second') AS seconds,
                     count(DISTINCT a.reviewer_id) AS reviewers
              FROM {sub} s LEFT JOIN {asg} a
                ON a.submission_id = s.id AND a.round = s.round AND a.status IN ('open', 'done')
              WHERE s.task_id = %s GROUP BY s.id, s.status) per_submission""", [task.pk])
    ok &= good == total and in_review == total
    print(f"submissions with exactly 2 live assignments (first + second), distinct reviewers: {good:,} of {total:,}; "
          f"in review: {in_review:,}")

    members, over, max_load, min_cap, max_cap, lo, median, hi = one(f"""
        SELECT count(*), count(*) FILTER (WHERE n > cap), max(n), min(cap), max(cap),
               min(n), percentile_cont(0.5) WITHIN GROUP (ORDER BY n), max(n)
        FROM (SELECT pm.reviewer_id, coalesce(pm.cap, %s) AS cap,
                     (SELECT count(*) FROM {asg} a WHERE a.pool_id = pm.pool_id AND a.reviewer_id = pm.reviewer_id
                        AND a.status = 'open' AND a.role <> 'calibration') AS n
              FROM {pm} pm WHERE pm.pool_id = %s) per_reviewer""", [pool.default_cap, pool.pk])
    ok &= over == 0
    print(f"open assignments per reviewer: max {max_load} vs cap {min_cap}"
          f"{'' if min_cap == max_cap else f'–{max_cap}'}; reviewers over their cap: {over} of {members:,}")

    (conflicts,) = one(f"""
        SELECT count(*) FROM {asg} a
        JOIN {sub} s ON s.id = a.submission_id
        JOIN {org} school ON school.id = s.school_id
        JOIN {pm} pm ON pm.pool_id = a.pool_id AND pm.reviewer_id = a.reviewer_id
        JOIN {org} home ON home.id = pm.home_id
        WHERE a.pool_id = %s AND (
            starts_with(school.path, home.path)
            OR EXISTS (SELECT 1 FROM {conf} c JOIN {org} o ON o.id = c.organisation_id
                       WHERE c.poolmember_id = pm.id AND starts_with(school.path, o.path)))""", [pool.pk])
    (exposed,) = one(f"""
        SELECT count(*) FROM {sub} s JOIN {org} school ON school.id = s.school_id
        WHERE s.task_id = %s AND (
            s.school_id IN (SELECT home_id FROM {pm} WHERE pool_id = %s)
            OR EXISTS (SELECT 1 FROM {conf} c JOIN {pm} pm ON pm.id = c.poolmember_id
                       JOIN {org} o ON o.id = c.organisation_id
                       WHERE pm.pool_id = %s AND starts_with(school.path, o.path)))""", [task.pk, pool.pk, pool.pk])
    ok &= conflicts == 0
    print(f"conflicts (submission's school under the reviewer's home or conflict set): {conflicts} "
          f"(submissions with at least one conflicted reviewer in the pool: {exposed:,})")
    print(f"load spread (open assignments per reviewer): min {lo}, median {median:g}, max {hi}")

    done = set(ReviewAssignment.objects.filter(pool=pool).values_list("submission_id", "role", "reviewer_id"))
    same = done == planned
    ok &= same
    print(f"assignments written equal the planner's placements: {'yes' if same else 'NO'} ({len(done):,})")
    (events,) = one(f"SELECT count(*) FROM {evt} WHERE action = 'assigned'", [])
    ok &= events == total
    print(f"'assigned' events: {events:,}")
    return ok


# --- main ---------------------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--teachers", type=int, default=50_000, help="teachers, one submission each")
    parser.add_argument("--reviewers", type=int, default=1_000)
    parser.add_argument("--cities", type=int, default=10)
    parser.add_argument("--counties", type=int, default=100)
    parser.add_argument("--schools", type=int, default=2_000)
    parser.add_argument("--cap", type=int, default=120, help="the pool's default cap")
    parser.add_argument("--extra-share", type=float, default=0.10, help="share of members with extra conflicts")
    parser.add_argument("--plan-runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261205)
    parser.add_argument("--suffix", default="_review_assign", help="appended to DATABASE_URL's database name")
    parser.add_argument("--child-assign", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_assign:
        child_assign()
        return

    url = own_database_url(database_url(), args.suffix)
    os.environ["DATABASE_URL"] = url
    started = time.perf_counter()
    ensure_database(url, fresh=True)
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(f"database (fresh): {url}; migrate {time.perf_counter() - started:.1f} s")
    world = set_up(args)
    with connection.cursor() as cursor:  # as autovacuum and the checkpointer would have by the time anyone assigns
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")

    planned = time_planner(args.plan_runs)["placements"]
    connection.close()

    result = run_child(url)
    seconds = result["seconds"]
    placed = args.teachers - result["waiting"]
    print(f"review_assign(): {seconds:.2f} s wall, {result['assigned']:,} assignments written, "
          f"{placed:,} submissions placed, {result['waiting']:,} waiting; peak RSS {result['peak_rss_mb']:.0f} MB "
          f"({result['rss_before_mb']:.0f} MB before the call)")
    for phase, phase_seconds in result["phases"].items():
        print(f"  {phase:<40} {phase_seconds:7.3f} s")

    ok = verify(world["pool"], world["task"], planned)
    met = ok and seconds < TARGET_SECONDS
    print(f"target (< {TARGET_SECONDS:.0f} s, nobody over cap, 0 conflicts, every check): {'met' if met else 'NOT met'}")
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
