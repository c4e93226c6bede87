"""Benchmark: the personnel look-up page (人事查询) and a teacher's record page, with 1,000,000 teachers.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_bench .venv/bin/python bench/personnel_search.py

Needs the province of bench/generate_province.py (and, for certificate numbers, bench/annual_review.py).
A province administrator and a county personnel officer (made once) search through Django's test Client —
the whole stack: session, scoping, the query, the results table, the access-log entry — by ID number, by a
full name of a random teacher, by a surname alone, and by certificate number; then open record pages.
Prints p50/p95/max in ms per kind. The issue sets no target for these pages; the API's look-up by ID
number (bench/personnel_api.py) has p95 < 30 ms.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import database_url, percentile, setup_django  # noqa: E402

OFFICER = "bench_personnel_officer"
ADMIN = "bench_personnel_province"


def user_with(username: str, role: str, organisation):
    from django.contrib.auth import get_user_model

    from lms.api import role_grant

    user, _created = get_user_model().objects.get_or_create(username=username)
    role_grant(user=user, role=role, organisation=organisation)
    return user


def timed(client, method: str, url: str, data=None) -> tuple[float, str]:
    started = time.perf_counter()
    response = client.post(url, data) if method == "post" else client.get(url)
    millis = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return millis, response.content.decode()


def report(label: str, millis: list[float], extra: str = "") -> None:
    print(f"{label:<44} n={len(millis):<4} p50={percentile(millis, 0.5):7.1f} ms  p95={percentile(millis, 0.95):7.1f} ms  "
          f"max={max(millis):7.1f} ms {extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100, help="searches of each kind")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    database_url()
    setup_django()
    from django.conf import settings
    from django.test import Client

    from certification.models import Certificate
    from lms.api import Organisation, OrganisationKind, Role, Teacher, decrypt_text

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    rng = random.Random(args.seed)
    province = Organisation.objects.filter(kind=OrganisationKind.PROVINCE).order_by("path").first()
    if province is None:
        sys.exit("Load the province first: make bench-generate")
    high = Teacher.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    picked = list(Teacher.objects.filter(pk__in=[rng.randint(1, high) for _ in range(args.n * 3)])
                  .values_list("pk", "real_name", "id_number_encrypted", "school_id")[: args.n])
    school = Organisation.objects.get(pk=picked[0][3])
    county = next(node for node in school.get_ancestors() if node.kind == OrganisationKind.COUNTY)
    county_people = list(Teacher.objects.filter(school__path__startswith=county.path).order_by("?")
                         .values_list("pk", "real_name", "id_number_encrypted", "school_id")[: args.n])
    certificates = list(Certificate.objects.filter(teacher_id__in=[p[0] for p in picked]).values_list("number", flat=True))

    viewers = {
        f"province administrator ({province})": (user_with(ADMIN, Role.PROVINCE_ADMIN, province), picked),
        f"county personnel officer ({county})": (user_with(OFFICER, Role.PERSONNEL_OFFICER, county), county_people),
    }
    print(f"teachers loaded: {Teacher.objects.count():,}")
    for label, (user, people) in viewers.items():
        client = Client()
        client.force_login(user)
        timed(client, "post", "/personnel/", {"q": people[0][1]})  # warm-up
        print(f"{label}: server time of POST /personnel/ and GET /personnel/teachers/<id>/")
        by_id, by_name, by_surname, by_certificate, records, found = [], [], [], [], [], 0
        for pk, name, encrypted, _school in people:
            millis, page = timed(client, "post", "/personnel/", {"q": decrypt_text(encrypted)})
            by_id.append(millis)
            found += int(f'data-teacher="{pk}"' in page)
            by_name.append(timed(client, "post", "/personnel/", {"q": name})[0])
        for pk, name, _encrypted, _school in people[: max(10, args.n // 5)]:
            by_surname.append(timed(client, "post", "/personnel/", {"q": name[0]})[0])
        for number in certificates[: args.n]:
            by_certificate.append(timed(client, "post", "/personnel/", {"q": number})[0])
        for pk, *_rest in people:
            records.append(timed(client, "get", f"/personnel/teachers/{pk}/")[0])
        report("  by ID number", by_id, f"(found {found}/{len(people)})")
        report("  by full name", by_name)
        report("  by surname alone (one character, many pages)", by_surname)
        if by_certificate:
            report("  by certificate number", by_certificate)
        report("  record page", records)
        assert found == len(people) or "province" not in label, "a teacher was not found by ID number"


if __name__ == "__main__":
    main()
