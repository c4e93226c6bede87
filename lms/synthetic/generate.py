"""generate_province: a province of any size, fast, for benchmarks (no per-row services).

The tree goes in with computed treebeard paths; users, teachers and open postings go in by blocks
of BLOCK_SIZE teachers with ids allocated up front, through COPY on PostgreSQL.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone

from lms.models import Organisation, Teacher, TeacherPosting

from .loader import Loader, loader_for_connection
from .province import ProvinceLayout, next_root_step, plan_province
from .rows import BLOCK_SIZE, POSTING_FIELDS, TEACHER_FIELDS, USER_FIELDS, BlockRows, BlockTask, Segment, build_block

DEFAULT_PROVINCE_CODE = "980000"


class GenerateRefused(Exception):
    """The database is not in a state generate_province builds on; the message says what to do."""


@dataclass(frozen=True)
class GenerateOptions:
    teachers: int
    schools: int
    seed: int = 1
    province_code: str = DEFAULT_PROVINCE_CODE
    workers: int = 1


@dataclass
class GenerateReport:
    organisations: int = 0
    teachers: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def timed(self, phase: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[phase] = self.timings.get(phase, 0.0) + time.perf_counter() - started

    @property
    def total_seconds(self) -> float:
        return sum(self.timings.values())


def check_can_generate(province_code: str) -> None:
    existing = Teacher.objects.count()
    if existing:
        raise GenerateRefused(
            f"The database already holds {existing} teachers. generate_province only builds into a database "
            "without teachers (appending is not supported): use a fresh database, e.g. "
            "`bench/generate_province.py --fresh`."
        )
    if Organisation.objects.filter(code__startswith=province_code[:2]).exists():
        raise GenerateRefused(
            f"Organisation codes starting with {province_code[:2]} are already in use; "
            "pass another --province-code."
        )


def insert_tree(layout: ProvinceLayout) -> dict[str, int]:
    """Insert every node with its precomputed path; return school code → id."""
    Organisation.objects.bulk_create(
        [
            Organisation(path=n.path, depth=n.depth, numchild=n.numchild, kind=n.kind, code=n.code, name=n.name)
            for n in layout.nodes
        ],
        batch_size=2_000,
    )
    root_path = layout.nodes[0].path
    return dict(
        Organisation.objects.filter(path__startswith=root_path, depth=4).values_list("code", "id")
    )


def _next_id(model: type[Model]) -> int:
    return (model._default_manager.aggregate(top=Max("id"))["top"] or 0) + 1


def plan_blocks(layout: ProvinceLayout, school_ids: dict[str, int], seed: int) -> Iterator[BlockTask]:
    """Cut the schools' teachers (in school order) into blocks of BLOCK_SIZE."""
    bases = {"user_base": _next_id(get_user_model()), "teacher_base": _next_id(Teacher),
             "posting_base": _next_id(TeacherPosting)}
    now, today = timezone.now(), timezone.localdate()
    segments: list[Segment] = []
    start = filled = number = 0
    for school in layout.schools:
        remaining = school.teachers
        while remaining:
            take = min(remaining, BLOCK_SIZE - filled)
            segments.append(Segment(school_ids[school.code], school.area_code, school.stage, take))
            remaining -= take
            filled += take
            if filled == BLOCK_SIZE:
                yield BlockTask(number, start, tuple(segments), seed, now=now, today=today, **bases)
                number, start, filled, segments = number + 1, start + filled, 0, []
    if segments:
        yield BlockTask(number, start, tuple(segments), seed, now=now, today=today, **bases)


def _built_in_process(tasks: Iterator[BlockTask], report: GenerateReport) -> Iterator[BlockRows]:
    for task in tasks:
        with report.timed("build rows (ID numbers, encryption, names)"):
            rows = build_block(task)
        yield rows


def _built_in_pool(tasks: Iterator[BlockTask], workers: int, report: GenerateReport) -> Iterator[BlockRows]:
    """Worker processes build blocks while this process loads; at most 2 blocks per worker wait in memory."""
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        pending: deque = deque()
        for task in tasks:
            pending.append(pool.apply_async(build_block, (task,)))
            if len(pending) >= 2 * workers:
                with report.timed("wait for rows from workers"):
                    rows = pending.popleft().get()
                yield rows
        while pending:
            with report.timed("wait for rows from workers"):
                rows = pending.popleft().get()
            yield rows


def _load_block(loader: Loader, rows: BlockRows, report: GenerateReport) -> None:
    """One transaction per block; the deferred foreign-key checks run at its commit."""
    with transaction.atomic():
        with report.timed("load users"):
            loader.load(get_user_model(), USER_FIELDS, rows.users)
        with report.timed("load teachers"):
            loader.load(Teacher, TEACHER_FIELDS, rows.teachers)
        with report.timed("load postings"):
            loader.load(TeacherPosting, POSTING_FIELDS, rows.postings)
        committing = time.perf_counter()
    phase = "commit (deferred foreign-key checks)"
    report.timings[phase] = report.timings.get(phase, 0.0) + time.perf_counter() - committing


def generate_province(options: GenerateOptions, progress: Callable[[str], None] = lambda _m: None) -> GenerateReport:
    report = GenerateReport()
    with report.timed("check and plan"):
        check_can_generate(options.province_code)
        layout = plan_province(
            province_code=options.province_code, root_step=next_root_step(), teachers=options.teachers,
            schools=options.schools, seed=options.seed,
        )
    with report.timed("insert tree"), transaction.atomic():
        school_ids = insert_tree(layout)
    report.organisations = len(layout.nodes)
    progress(f"tree: {len(layout.nodes)} organisations ({len(layout.schools)} schools)")
    loader = loader_for_connection()
    tasks = plan_blocks(layout, school_ids, options.seed)
    if options.workers > 1:
        blocks = _built_in_pool(tasks, options.workers, report)
    else:
        blocks = _built_in_process(tasks, report)
    for rows in blocks:
        _load_block(loader, rows, report)
        report.teachers += len(rows.teachers)
        if report.teachers % 100_000 < BLOCK_SIZE:
            progress(f"{report.teachers} teachers loaded")
    with report.timed("reset sequences, ANALYZE"):
        loader.finish([get_user_model(), Teacher, TeacherPosting, Organisation])
    return report
