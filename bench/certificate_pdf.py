"""Benchmark: certificate PDFs, one worker process. Target: at least 15 certificates/s, and a 5,000-certificate
merged batch under 200 MB peak memory.

    .venv/bin/python bench/certificate_pdf.py                 # SQLite: var/bench_certificate_pdf.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_bench .venv/bin/python bench/certificate_pdf.py

Sets up, once: a bench issuer (its own province 950000, with a seal image) and --count certificates of the
demo's 初级 for as many bench teachers, written directly (numbered like the issuer's scheme; issuance has its
own benchmark). Then, in this process, with the real QR payload (certificate_qr_text: Ed25519-signed):
  1. single PDFs: --singles certificates rendered one document each (the download path), certificates/s;
  2. the batch print run: all --count certificates through merged_pdf_write (chunks of CHUNK, merged with
     pypdf), certificates/s and the merged file's pages and size;
and the process's peak RSS (ru_maxrss, which covers both). Checks the merged file's page count with pdfinfo.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, ensure_database, setup_django  # noqa: E402

TARGET_PER_SECOND = 15.0
TARGET_RSS_MB = 200.0
PROVINCE_CODE = "950000"
SCHOOL_CODE = "95010100001"
NAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "晓燕光明小亮建国丽华志强秀英海涛玉兰俊杰婷婷国庆春梅文博思远雨欣子涵浩然梓萱一鸣佳怡"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def bench_places():  # type: ignore[no-untyped-def]
    from lms.models import Organisation, OrganisationKind
    from lms.services import organisation_create

    province = Organisation.objects.filter(code=PROVINCE_CODE).first() or organisation_create(
        parent=None, kind=OrganisationKind.PROVINCE, code=PROVINCE_CODE, name="证书基准省")
    city = Organisation.objects.filter(code="950100").first() or organisation_create(
        parent=province, kind=OrganisationKind.CITY, code="950100", name="证书基准市")
    county = Organisation.objects.filter(code="950101").first() or organisation_create(
        parent=city, kind=OrganisationKind.COUNTY, code="950101", name="证书基准县")
    school = Organisation.objects.filter(code=SCHOOL_CODE).first() or organisation_create(
        parent=county, kind=OrganisationKind.SCHOOL, code=SCHOOL_CODE, name="证书基准第一小学")
    return province, school


def bench_issuer(province):  # type: ignore[no-untyped-def]
    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from PIL import ImageDraw
    from wagtail.images import get_image_model

    from certification.models import CertificateIssuer

    issuer = CertificateIssuer.objects.filter(organisation=province).first()
    if issuer is None:
        issuer = CertificateIssuer.objects.create(organisation=province, name="证书基准省教育厅", signature_line="厅长 基准")
    if issuer.seal_image_id is None:
        img = PILImage.new("RGBA", (400, 400), (0, 0, 0, 0))
        draw = ImageDraw.Draw(img)
        draw.ellipse((10, 10, 390, 390), outline=(200, 20, 20, 255), width=18)
        draw.regular_polygon((200, 200, 70), 5, fill=(200, 20, 20, 255))
        buffer = io.BytesIO()
        img.save(buffer, "PNG")
        issuer.seal_image = get_image_model().objects.create(title="基准公章", file=ImageFile(buffer, name="bench-seal.png"))
        issuer.save(update_fields=["seal_image"])
    return issuer


def bench_certificates(count: int) -> list[int]:
    """Ids of `count` bench certificates, making the missing teachers and certificates (once)."""
    from certification.demo import _levels, _rules
    from certification.models import Certificate, CertificateSequence, IssueMode
    from lms.models import Teacher
    from tests.factories import make_id_number, make_teacher

    province, school = bench_places()
    issuer = bench_issuer(province)
    levels = _levels()
    _rules(levels)
    level = levels["basic"]
    rule = level.current_rule()
    assert rule is not None
    have = list(Certificate.objects.filter(issuer=issuer).order_by("pk").values_list("pk", flat=True)[:count])
    if len(have) >= count:
        return have
    missing = count - len(have)
    print(f"creating {missing:,} bench teachers and certificates (once)")
    teachers = list(Teacher.objects.filter(school=school).exclude(certificates__issuer=issuer).order_by("pk")[:missing])
    start = Teacher.objects.filter(school=school).count()
    for n in range(len(teachers), missing):
        name = NAMES[n % len(NAMES)] + GIVEN[(n // len(NAMES)) % (len(GIVEN) - 1):][:2]
        serial = start + n  # ID numbers of the bench's own area code 950101, never the tests' 110101
        id_number = make_id_number("950101", dt.date(1980, 1, 1) + dt.timedelta(days=serial // 1000), serial % 1000)
        teachers.append(make_teacher(school=school, real_name=name, id_number=id_number))
    year = 2026
    sequence, _ = CertificateSequence.objects.get_or_create(issuer=issuer, year=year)
    issued_on = dt.date(year, 6, 1)
    rows = []
    for teacher in teachers:
        sequence.last_value += 1
        rows.append(Certificate(
            number=f"{PROVINCE_CODE}{year}{sequence.last_value:06d}", teacher=teacher, level=level, rule=rule, issuer=issuer,
            holder_name=teacher.real_name, issued_on=issued_on, valid_until=dt.date(year + 5, 5, 31),
            sequence_year=year, sequence_value=sequence.last_value, mode=IssueMode.BULK,
        ))
    Certificate.objects.bulk_create(rows, batch_size=1000)
    sequence.save(update_fields=["last_value"])
    return list(Certificate.objects.filter(issuer=issuer).order_by("pk").values_list("pk", flat=True)[:count])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=5000, help="certificates in the merged batch (default 5000)")
    parser.add_argument("--singles", type=int, default=200, help="certificates rendered as single PDFs (default 200)")
    args = parser.parse_args()
    # Not the development database: the bench's own SQLite file unless DATABASE_URL says otherwise.
    url = os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench_certificate_pdf.sqlite3'}")
    if url.startswith(("postgres://", "postgresql://")):
        ensure_database(url)
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from certification.models import Certificate
    from certification.pdf.batch import CHUNK, merged_pdf_write
    from certification.pdf.fonts import certificate_font
    from certification.pdf.render import certificate_pdf_bytes

    ids = bench_certificates(max(args.count, args.singles))
    print(f"database: {url.rsplit('/', 1)[-1]}; certificates: {args.count:,}; single PDFs: {args.singles}")
    certificate_font()  # registered once per process: not part of any certificate's cost

    singles = Certificate.objects.select_related("level", "issuer__organisation", "issuer__seal_image").in_bulk(ids[:args.singles])
    certificate_pdf_bytes(certificate=singles[ids[0]])  # warm-up: template, key, seal
    started, cpu = time.perf_counter(), time.process_time()
    size = 0
    for pk in ids[:args.singles]:
        size += len(certificate_pdf_bytes(certificate=singles[pk]))
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    single_rate = args.singles / wall
    print(f"single PDFs: {single_rate:.1f}/s wall ({args.singles / cpu:.1f}/s CPU), {size / args.singles / 1024:.0f} KB each")
    del singles

    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "merged.pdf"
        started, cpu = time.perf_counter(), time.process_time()
        pages = merged_pdf_write(certificate_ids=ids[:args.count], path=path)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
        counted = next((int(line.split()[1]) for line in info.splitlines() if line.startswith("Pages:")), -1)
        batch_rate = pages / wall
        print(f"merged batch: {pages:,} certificates in {wall:.1f} s = {batch_rate:.1f}/s wall "
              f"({pages / cpu:.1f}/s CPU), chunks of {CHUNK}, {path.stat().st_size / 1024 / 1024:.1f} MB, pdfinfo pages {counted:,}")
    rss = peak_rss_mb()
    print(f"peak RSS of this process: {rss:.0f} MB")
    ok = single_rate >= TARGET_PER_SECOND and batch_rate >= TARGET_PER_SECOND and rss < TARGET_RSS_MB and counted == pages
    print(f"targets (≥ {TARGET_PER_SECOND:.0f}/s, < {TARGET_RSS_MB:.0f} MB, every page present): {'met' if ok else 'NOT met'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
