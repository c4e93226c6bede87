"""Benchmark: the catalog page (/courses/) with 10,000 published, filed courses, server time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_bench .venv/bin/python bench/catalog.py

Creates the database if missing and migrates. Builds 20 bench institutions (JGCB01…JGCB20, under a
province of its own, 950000) and 500 published courses in each, unless an earlier run already did
(resumable: each batch of 1,000 courses is one transaction, a later run fills what is missing; --fresh
removes them first). Courses are written in bulk: wagtailcore_page rows with treebeard paths computed
from the institution folder, then the course rows by COPY, their filed hours, capability points
and some self-enrolments (seats). Then times client.get("/courses/?…") in-process (django.test.Client)
for a mix of filtered requests and prints p50/p95/max per kind and overall; target p95 < 150 ms.
--explain prints EXPLAIN ANALYZE of the slowest SQL statement of each kind.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import database_url, ensure_database, percentile, setup_django  # noqa: E402

TARGET_P95_MS = 150.0
PROVINCE_CODE, PROVINCE_NAME = "950000", "课程目录基准省"
INSTITUTIONS = 20
CODE_PREFIX = "BENCH-C"
BATCH = 1000
ROSTER_BENCH_PROVINCE = "970000"  # bench/roster_import.py deletes teachers there: never enrol them
STAGES = ["kindergarten", "primary", "junior", "senior", "vocational", "special"]
SUBJECTS = ["chinese", "maths", "english", "physics", "chemistry", "biology", "history", "geography", "morality",
            "science", "it", "music", "art", "pe", "psychology", "general_tech", "other"]
MODES = ["online", "offline", "blended", "school_based"]
HOURS = [4, 6, 8, 10, 12, 16, 20, 24, 30, 36, 40, 48, 60, 72, 90]
FORMATS = ["专题研修", "案例精讲", "实践工作坊", "微能力点认证辅导", "校本应用指导", "名师示范", "进阶训练营"]
AUDIENCE = ["小学", "初中", "高中", "幼儿园", "中职", "特殊教育"]
ACTIVITIES = ["结合课堂实例开展研讨", "通过案例分析与实操练习", "以任务驱动的方式完成作品", "在校本研修中应用并反思",
              "借助平台工具完成数据分析", "观摩名师示范并完成设计"]
MODULES, LESSONS = 2, 3  # per course, per module: the page table holds 9 pages per course, as in real use
SUBJECT_NAMES = ["语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "道德与法治", "科学", "信息技术", "音乐", "美术"]


# ---- building the courses -----------------------------------------------------------------------


def bench_institutions():
    from lms.models import Organisation, OrganisationKind
    from lms.services import organisation_create

    def node(parent, kind, code, name):
        return Organisation.objects.filter(code=code).first() or organisation_create(
            parent=parent, kind=kind, code=code, name=name
        )

    province = node(None, OrganisationKind.PROVINCE, PROVINCE_CODE, PROVINCE_NAME)
    return [
        node(province, OrganisationKind.INSTITUTION, f"JGCB{n:02d}", f"基准教师培训中心{n:02d}")
        for n in range(1, INSTITUTIONS + 1)
    ]


def _course_fields(rng: random.Random, competencies: list, n: int, now: dt.datetime) -> dict:
    point = rng.choice(competencies)
    stages = sorted(rng.sample(STAGES[:4], rng.randint(1, 2)) + (["vocational"] if rng.random() < .05 else []))
    subjects = sorted(rng.sample(SUBJECTS, rng.randint(1, 3)))
    title = f"{point.name}{rng.choice(FORMATS)}（{rng.choice(AUDIENCE)}{rng.choice(SUBJECT_NAMES)}）"
    hours = Decimal(rng.choice(HOURS))
    online = (hours * Decimal(rng.choice([1, 1, .5, .75]))).quantize(Decimal("0.1"))
    school_based = ((hours - online) / 2).quantize(Decimal("0.1"))
    window = rng.random()
    opens = closes = None
    if window < .2:  # closed
        opens, closes = now - dt.timedelta(days=rng.randint(60, 400)), now - dt.timedelta(days=rng.randint(1, 59))
    elif window < .35:  # not open yet
        opens, closes = now + dt.timedelta(days=rng.randint(1, 30)), now + dt.timedelta(days=rng.randint(31, 120))
    elif window < .7:  # open, with a deadline
        opens, closes = now - dt.timedelta(days=rng.randint(1, 60)), now + dt.timedelta(days=rng.randint(1, 120))
    return {
        "title": title, "points": [point.pk] + [c.pk for c in rng.sample(competencies, rng.randint(0, 2))],
        "summary": f"面向{rng.choice(AUDIENCE)}{rng.choice(SUBJECT_NAMES)}教师，围绕“{point.name}”能力点，"
                   f"{rng.choice(ACTIVITIES)}，完成后提交实践成果。",
        "mode": rng.choice(MODES), "stages": stages, "subjects": subjects,
        "online": online, "centralised": hours - online - school_based, "school_based": school_based,
        "opens": opens, "closes": closes, "seats": rng.choice([30, 50, 80, 120, 200]) if rng.random() < .3 else None,
        "published": now - dt.timedelta(days=rng.randint(0, 1000), seconds=n),
    }


def create_batch(folder, start: int, count: int, *, competencies: list, rng: random.Random) -> list[int]:
    """Courses start…start+count-1 of this folder, as children after its last child, in one transaction."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from wagtail.models import Page

    from courses.models import CourseHours, CoursePage

    now = dt.datetime.now(dt.timezone.utc)
    content_type = ContentType.objects.get_for_model(CoursePage)
    institution_id = folder.institution_id
    with transaction.atomic():
        folder = Page.objects.select_for_update().get(pk=folder.pk)
        last = folder.get_last_child()
        step = Page._str2int(last.path[-Page.steplen:]) if last is not None else 0
        specs, pages = [], []
        for i in range(start, start + count):
            step += 1
            spec = _course_fields(rng, competencies, i, now)
            code = f"{CODE_PREFIX}{folder.pk:04d}-{i:04d}"
            slug = code.lower()
            specs.append((code, spec))
            pages.append(Page(
                path=Page._get_path(folder.path, folder.depth + 1, step), depth=folder.depth + 1,
                title=spec["title"], draft_title=spec["title"], slug=slug, content_type=content_type,
                live=True, has_unpublished_changes=False, url_path=f"{folder.url_path}{slug}/", numchild=MODULES,
                locale_id=folder.locale_id, translation_key=uuid.uuid4(),
                first_published_at=spec["published"], last_published_at=spec["published"],
            ))
        pages = Page.objects.bulk_create(pages)
        columns = ("page_ptr_id", "code", "summary", "description", "delivery_mode", "audience_stages",
                   "audience_subjects", "proposed_hours_online", "proposed_hours_centralised",
                   "proposed_hours_school_based", "enrol_opens_at", "enrol_closes_at", "seats", "provider_id")
        with connection.cursor() as cursor, cursor.copy(
            f"COPY courses_coursepage ({', '.join(columns)}) FROM STDIN"
        ) as copy:
            for page, (code, spec) in zip(pages, specs):
                copy.write_row((
                    page.pk, code, spec["summary"], "", spec["mode"], json.dumps(spec["stages"]),
                    json.dumps(spec["subjects"]), spec["online"], spec["centralised"], spec["school_based"],
                    spec["opens"], spec["closes"], spec["seats"], institution_id,
                ))
        _children_create(pages)
        CourseHours.objects.bulk_create([
            CourseHours(course_id=page.pk, online=spec["online"], centralised=spec["centralised"],
                        school_based=spec["school_based"],
                        total=spec["online"] + spec["centralised"] + spec["school_based"], filed_at=now,
                        comment="bench")
            for page, (_code, spec) in zip(pages, specs)
        ])
        through = CoursePage.capability_points.through
        through.objects.bulk_create([
            through(coursepage_id=page.pk, frameworknode_id=point)
            for page, (_code, spec) in zip(pages, specs) for point in dict.fromkeys(spec["points"])
        ])
        Page.objects.filter(pk=folder.pk).update(numchild=folder.numchild + count)
    return [page.pk for page, (_code, spec) in zip(pages, specs) if spec["seats"]]


def _children_create(courses: list) -> None:
    """Two modules of three lessons under each course (pages by bulk_create, their rows by COPY)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from wagtail.models import Page

    from courses.models import LessonPage, ModulePage

    def child(parent, n: int, title: str, model, numchild: int) -> Page:  # published with its course
        return Page(
            path=Page._get_path(parent.path, parent.depth + 1, n), depth=parent.depth + 1, numchild=numchild,
            title=title, draft_title=title, slug=f"{'m' if model is ModulePage else 'l'}{n}",
            content_type=ContentType.objects.get_for_model(model), live=True, has_unpublished_changes=False,
            url_path=f"{parent.url_path}{'m' if model is ModulePage else 'l'}{n}/", locale_id=parent.locale_id,
            translation_key=uuid.uuid4(), first_published_at=parent.first_published_at,
            last_published_at=parent.last_published_at,
        )

    modules = Page.objects.bulk_create([
        child(course, m, f"第{m}单元", ModulePage, LESSONS) for course in courses for m in range(1, MODULES + 1)
    ])
    lessons = Page.objects.bulk_create([
        child(module, n, f"第{n}课", LessonPage, 0) for module in modules for n in range(1, LESSONS + 1)
    ])
    body = json.dumps([{"type": "text", "id": str(uuid.uuid4()), "value": "<p>阅读材料与课堂实例。</p>"}])
    with connection.cursor() as cursor:
        with cursor.copy("COPY courses_modulepage (page_ptr_id, intro) FROM STDIN") as copy:
            for module in modules:
                copy.write_row((module.pk, ""))
        with cursor.copy("COPY courses_lessonpage (page_ptr_id, body, required, graded) FROM STDIN") as copy:
            for lesson in lessons:
                copy.write_row((lesson.pk, body, True, False))


def enrol_some(course_ids: list[int], rng: random.Random) -> int:
    """Self-enrolments in courses with seats (a few full), so seats left and "open now" have work to do."""
    from courses.models import CoursePage, Enrolment
    from lms.models import Organisation, Teacher

    teachers = Teacher.objects.all()
    excluded = Organisation.objects.filter(code=ROSTER_BENCH_PROVINCE).first()
    if excluded is not None:
        teachers = teachers.exclude(school__path__startswith=excluded.path)
    pool = list(teachers.order_by("?").values_list("id", flat=True)[:5000])
    if not pool:
        return 0
    now = dt.datetime.now(dt.timezone.utc)
    rows = []
    for course_id, seats in CoursePage.objects.filter(pk__in=course_ids).values_list("pk", "seats"):
        taken = seats if rng.random() < .1 else rng.randint(0, seats // 2)
        rows += [Enrolment(teacher_id=t, course_id=course_id, enrolled_at=now)
                 for t in rng.sample(pool, min(taken, len(pool)))]
    Enrolment.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return len(rows)


def bench_folders(institutions):
    from courses.models import ProviderIndexPage
    from courses.services import provider_folder_ensure

    return [ProviderIndexPage.objects.filter(institution=i).first() or provider_folder_ensure(institution=i)
            for i in institutions]


def remove_bench_courses(folders) -> None:
    """Set-based removal (a Wagtail delete of 10,000 pages would take long): children rows first."""
    from django.db import connection, transaction
    from wagtail.models import Page

    with transaction.atomic(), connection.cursor() as cursor:
        for folder in folders:
            ids = "SELECT id FROM wagtailcore_page WHERE path LIKE %s AND depth > %s"
            for table, column in (("courses_enrolment", "course_id"), ("courses_coursehours", "course_id"),
                                  ("courses_coursepage_capability_points", "coursepage_id"),
                                  ("courses_lessonpage", "page_ptr_id"), ("courses_modulepage", "page_ptr_id"),
                                  ("courses_coursepage", "page_ptr_id"), ("wagtailcore_page", "id")):
                cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({ids})", [folder.path + "%", folder.depth])
            Page.objects.filter(pk=folder.pk).update(numchild=0)


def ensure_courses(total: int, *, fresh: bool, rng: random.Random) -> None:
    from django.db import connection

    from assessments.api import competencies_current, framework_2_0_core_ensure
    from courses.models import CoursePage

    framework_2_0_core_ensure()
    competencies = list(competencies_current())
    folders = bench_folders(bench_institutions())
    if fresh:
        remove_bench_courses(folders)
    per_folder = total // len(folders)
    started, made, seated = time.perf_counter(), 0, []
    for folder in folders:
        have = CoursePage.objects.child_of(folder).count()
        while have < per_folder:
            count = min(BATCH, per_folder - have)
            seated += create_batch(folder, have, count, competencies=competencies, rng=rng)
            have += count
            made += count
            print(f"  {folder.title}: {have}/{per_folder} courses ({time.perf_counter() - started:.1f} s)", flush=True)
    if made:
        enrolled = enrol_some(seated, rng)
        with connection.cursor() as cursor:
            for table in ("wagtailcore_page", "courses_coursepage", "courses_modulepage", "courses_lessonpage", "courses_coursehours",
                          "courses_coursepage_capability_points", "courses_enrolment"):
                cursor.execute(f"VACUUM (ANALYZE) {table}")
        print(f"set-up: {made:,} courses and {enrolled:,} enrolments in {time.perf_counter() - started:.1f} s")
    else:
        print(f"set-up: reusing {per_folder * len(folders):,} bench courses from an earlier run")


# ---- timing the catalog page --------------------------------------------------------------------


def request_kinds(rng: random.Random, provider_ids: list[int], point_codes: list[str]) -> dict[str, callable]:
    return {
        "no filter": lambda: {},
        "stage+subject": lambda: {"stage": rng.choice(STAGES[:4]), "subject": rng.choice(SUBJECTS[:11])},
        "mode": lambda: {"mode": rng.choice(MODES)},
        "capability point": lambda: {"point": rng.choice(point_codes)},
        "provider": lambda: {"provider": rng.choice(provider_ids)},
        "hours bucket": lambda: {"hours": rng.choice(["le10", "10-30", "30-60", "gt60"])},
        "keyword 课堂": lambda: {"q": rng.choice(["课堂", "课堂讲授", "学情分析", "微能力点", "数据可视化"])},
        "keyword, no hit": lambda: {"q": rng.choice(["量子力学", "不存在的课程"])},
        "open now": lambda: {"open": "1"},
        "combined": lambda: {"q": "课堂", "stage": rng.choice(STAGES[1:4]), "mode": rng.choice(MODES),
                             "hours": rng.choice(["10-30", "30-60"]), "open": "1"},
        "page 5": lambda: {"page": "5", "stage": rng.choice(STAGES[1:4])},
        "sort by hours": lambda: {"sort": rng.choice(["hours_desc", "hours_asc"]), "page": str(rng.randint(1, 50))},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--courses", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=30, help="timed requests per kind")
    parser.add_argument("--fresh", action="store_true", help="remove the bench courses and build them again")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slowest statement of each kind")
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()

    url = database_url()
    ensure_database(url)
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from assessments.api import competencies_current
    from courses.selectors import courses_published

    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    ensure_courses(args.courses, fresh=args.fresh, rng=rng)
    published = courses_published().count()
    print(f"published courses in the catalog: {published:,}")

    # No setup_test_environment(): its template instrumentation copies every context and would inflate the times.
    client = Client(HTTP_HOST="127.0.0.1")
    provider_ids = sorted(set(courses_published().values_list("provider_id", flat=True)))
    kinds = request_kinds(rng, provider_ids, list(competencies_current().values_list("code", flat=True)))
    for params in (kinds["no filter"](), kinds["combined"](), kinds["page 5"]()):  # warm-up
        client.get("/courses/", params)

    timings: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    slowest_sql: dict[str, tuple[float, str, int]] = {}
    load_before = os.getloadavg()[0]
    for label, make_params in kinds.items():
        millis, cpu[label] = [], []
        for _ in range(args.samples):
            params = make_params()
            with CaptureQueriesContext(connection) as queries:
                started, cpu_started = time.perf_counter(), time.process_time()
                response = client.get("/courses/", params)
                millis.append((time.perf_counter() - started) * 1000)
                cpu[label].append((time.process_time() - cpu_started) * 1000)
            assert response.status_code == 200, (label, params, response.status_code)
            assert b'class="catalog-alert"' not in response.content, (label, params)
            worst = max(queries.captured_queries, key=lambda q: float(q["time"]))
            if float(worst["time"]) * 1000 > slowest_sql.get(label, (0.0, "", 0))[0]:
                slowest_sql[label] = (float(worst["time"]) * 1000, worst["sql"], len(queries.captured_queries))
        timings[label] = millis

    load_after = os.getloadavg()[0]
    print(f"server time of GET /courses/ (client.get, in-process), {args.samples} requests per kind;")
    print(f"load average {load_before:.1f} before, {load_after:.1f} after on {os.cpu_count()} CPUs "
          "(above ~1 other processes share the CPUs and the wall-clock times grow with them):")
    print(f"  {'kind':<18} {'p50':>8} {'p95':>8} {'max':>8}  {'CPU p50':>8}  queries  slowest SQL")
    for label, millis in timings.items():
        sql_ms, _sql, count = slowest_sql[label]
        print(f"  {label:<18} {percentile(millis, .5):6.1f}ms {percentile(millis, .95):6.1f}ms {max(millis):6.1f}ms"
              f"  {percentile(cpu[label], .5):6.1f}ms  {count:>7}  {sql_ms:6.1f}ms")
    everything = [m for millis in timings.values() for m in millis]
    p95 = percentile(everything, .95)
    print(f"  {'overall':<18} {percentile(everything, .5):6.1f}ms {p95:6.1f}ms {max(everything):6.1f}ms"
          f"  {percentile([c for values in cpu.values() for c in values], .5):6.1f}ms")
    print(f"target p95 < {TARGET_P95_MS:.0f} ms: {'OK' if p95 < TARGET_P95_MS else 'SLOW'}"
          " (CPU = this process's CPU time for the request: Django, templates, the database driver)")

    if args.explain:
        with connection.cursor() as cursor:
            for label, (sql_ms, sql, _count) in slowest_sql.items():
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                print(f"\n-- {label}: slowest statement ({sql_ms:.1f} ms)\n{sql}\n  " +
                      "\n  ".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
