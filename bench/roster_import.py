"""Benchmark: the roster import (花名册导入) of a large file, end to end, time and peak memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_bench .venv/bin/python bench/roster_import.py --rows 100000

Creates the database if missing and migrates; builds a small tree of its own (province 970000, one
county, some schools) and a county administrator; removes the teachers an earlier run imported there;
writes a file of valid synthetic teachers into a temporary folder; then runs the import service
(upload checks + both passes) in a child process, twice: the first run creates every teacher, the
second (the same file again) must find every row unchanged. For each run it prints rows, seconds,
rows/s and the child's peak RSS. Targets: >= 3,000 rows/s, peak < 600 MB. At the end the imported
teachers are removed again (--keep keeps them); the small tree and its administrator stay.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import database_url, ensure_database, setup_django  # noqa: E402

PROVINCE, CITY, COUNTY = "970000", "970100", "970101"
ADMIN = "bench-roster-county-admin"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽"
STAGES = ["小学", "初中", "高中", "幼儿园"]
SUBJECTS = ["语文", "数学", "英语", "物理", "化学", "生物", "历史", "地理", "信息技术", "音乐", "美术", "体育"]
TITLES = ["未定级", "三级教师", "二级教师", "一级教师", "高级教师"]


def build_tree(schools: int):
    """The bench's own corner of the tree, made once and reused."""
    from django.contrib.auth import get_user_model

    from lms.models import Organisation, OrganisationKind, Role
    from lms.services import organisation_create, role_grant

    def node(parent, kind, code, name):
        return Organisation.objects.filter(code=code).first() or organisation_create(
            parent=parent, kind=kind, code=code, name=name
        )

    province = node(None, OrganisationKind.PROVINCE, PROVINCE, "基准测试省")
    city = node(province, OrganisationKind.CITY, CITY, "基准测试市")
    county = node(city, OrganisationKind.COUNTY, COUNTY, "基准测试县")
    codes = [node(county, OrganisationKind.SCHOOL, f"{COUNTY}{n:04d}", f"基准测试第{n}学校").code for n in range(1, schools + 1)]
    admin, _created = get_user_model().objects.get_or_create(username=ADMIN)
    role_grant(user=admin, role=Role.COUNTY_ADMIN, organisation=county)
    return codes


def remove_earlier_imports() -> int:
    """Teachers of the bench county, their postings and accounts: plain SQL, the ORM would collect 100k objects."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """CREATE TEMP TABLE bench_gone ON COMMIT DROP AS
               SELECT t.id AS teacher_id, t.user_id FROM lms_teacher t
               JOIN lms_organisation o ON o.id = t.school_id WHERE o.code LIKE %s""",
            [f"{COUNTY}%"],
        )
        cursor.execute("DELETE FROM lms_teacherposting WHERE teacher_id IN (SELECT teacher_id FROM bench_gone)")
        cursor.execute("DELETE FROM lms_teacher WHERE id IN (SELECT teacher_id FROM bench_gone)")
        cursor.execute("DELETE FROM auth_user WHERE id IN (SELECT user_id FROM bench_gone)")
        removed = cursor.rowcount
    if removed:  # dead index entries with the very same keys would slow the next insert down
        with connection.cursor() as cursor:
            for table in ("lms_teacherposting", "lms_teacher", "auth_user"):
                cursor.execute(f"VACUUM ANALYZE {table}")
    return removed


def write_roster(path: Path, *, rows: int, school_codes: list[str], fmt: str, seed: int) -> None:
    """Valid synthetic teachers: unique ID numbers of area 970101, unique certificate numbers."""
    from lms.idcard import make_id_number
    from lms.roster.columns import TEMPLATE_HEADERS

    rng = random.Random(seed)
    first = dt.date(1965, 1, 1)

    def row(index: int) -> list[str]:
        birth = first + dt.timedelta(days=index // 1000)
        sequence = index % 1000
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
        title = rng.choice(TITLES)
        return [
            name,
            make_id_number(COUNTY, birth, sequence),
            "男" if sequence % 2 else "女",
            birth.isoformat(),
            school_codes[index % len(school_codes)],
            rng.choice(STAGES),
            rng.choice(SUBJECTS),
            title,
            "" if title == "未定级" else f"{birth.year + rng.randint(23, 35)}-09-01",
            f"2012970{index:010d}",
            "在职",
        ]

    if fmt == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(TEMPLATE_HEADERS)
            writer.writerows(row(i) for i in range(rows))
        return
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    sheet.append(list(TEMPLATE_HEADERS))
    for i in range(rows):
        sheet.append(row(i))
    workbook.save(path)
    _add_dimension(path, f"A1:K{rows + 1}")


def _add_dimension(path: Path, ref: str) -> None:
    """Excel writes <dimension ref=...> before the rows; openpyxl's write-only mode does not. Make the file
    look like Excel's. (Its cells stay inline strings where Excel uses the shared-string table: the import
    checks and loads those about a third more slowly, so the workbook figures are on the safe side.)"""
    import shutil
    import zipfile

    patched = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml" and b"<dimension" not in data:
                data = data.replace(b"<sheetData>", f'<dimension ref="{ref}"/><sheetData>'.encode(), 1)
            target.writestr(info, data)
    shutil.move(patched, path)


def child(path: str, username: str) -> None:
    """In the child process: upload checks and the whole import, as the view's task would run it."""
    setup_django()
    from django.contrib.auth import get_user_model
    from django.core.files import File

    from lms.roster import roster_import_create, roster_import_run

    user = get_user_model().objects.get(username=username)
    started = time.perf_counter()
    with open(path, "rb") as handle:
        record = roster_import_create(uploader=user, upload=File(handle, name=Path(path).name))
    checked = time.perf_counter()
    record = roster_import_run(import_id=record.pk)
    finished = time.perf_counter()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "status": record.status,
                "message": record.message,
                "rows": record.total_rows,
                "created": record.created_count,
                "updated": record.updated_count,
                "unchanged": record.unchanged_count,
                "errors": record.error_count,
                "upload_seconds": checked - started,
                "seconds": finished - started,
                "peak_mb": peak_kb / 1024,
            }
        )
    )


def run_child(path: Path) -> dict[str, object]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(path), "--user", ADMIN],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_seconds"] = time.perf_counter() - started
    return result


def show(label: str, result: dict[str, object]) -> None:
    rows = int(result["rows"])
    seconds = float(result["seconds"])
    print(
        f"{label}: {result['status']}, rows {rows:,}, {seconds:.1f} s, {rows / seconds:,.0f} rows/s, "
        f"peak RSS {float(result['peak_mb']):.0f} MB  "
        f"(created {result['created']:,}, updated {result['updated']:,}, unchanged {result['unchanged']:,}, "
        f"problems {result['errors']:,}; upload checks {float(result['upload_seconds']):.1f} s; "
        f"with process start {float(result['process_seconds']):.1f} s)"
    )
    if result["status"] != "done":
        print(f"  {result['message']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--schools", type=int, default=40)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the imported teachers (removed by default)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--user", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rows > 999 * 1000:
        sys.exit("at most 999,000 rows (unique ID numbers per area code and birth dates used)")

    url = database_url()
    if args.child:
        child(args.child, args.user)
        return
    with tempfile.TemporaryDirectory(prefix="roster-bench-") as folder:
        os.environ["PRIVATE_ROOT"] = str(Path(folder) / "private")
        os.environ.setdefault("ROSTER_UPLOAD_MAX_BYTES", str(200 * 1024 * 1024))
        created = ensure_database(url)
        print(f"database {'created' if created else 'exists'}: {url}")
        setup_django()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        codes = build_tree(args.schools)
        removed = remove_earlier_imports()
        if removed:
            print(f"removed {removed:,} teachers of an earlier run")
        path = Path(folder) / f"roster.{args.format}"
        started = time.perf_counter()
        write_roster(path, rows=args.rows, school_codes=codes, fmt=args.format, seed=args.seed)
        print(f"wrote {path.name}: {args.rows:,} rows, {path.stat().st_size / 1_048_576:.1f} MB in {time.perf_counter() - started:.1f} s")
        first = run_child(path)
        show("first import (all new)", first)
        second = run_child(path)
        show("re-import (all unchanged)", second)
        children_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"peak RSS of any child: {children_peak:.0f} MB")
        ok = all(
            int(r["rows"]) / float(r["seconds"]) >= 3000 and float(r["peak_mb"]) < 600 and r["status"] == "done"
            for r in (first, second)
        )
        print("targets (>= 3,000 rows/s, < 600 MB):", "met" if ok else "NOT met")
        if not args.keep:
            print(f"removed the {remove_earlier_imports():,} imported teachers again (--keep keeps them)")


if __name__ == "__main__":
    main()
