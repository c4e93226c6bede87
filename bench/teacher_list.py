"""Benchmark: the paginated teacher list and ID-number search for a county administrator, server time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_bench .venv/bin/python bench/teacher_list.py

Needs the province built by bench/generate_province.py. Takes (or makes) a county administrator for
the county with the most teachers, then times client.get in-process (django.test.Client, force_login)
for random pages of /manage/teachers/ and for searches by full ID number of random teachers of that county.
"""

from __future__ import annotations

import argparse
import math
import random
import time
from collections import Counter

from common import database_url, percentile, setup_django

USERNAME = "bench_county_admin"
PAGE_SIZE = 50
TARGET_P95_MS = 100.0


def county_with_most_teachers():
    from django.db.models import Count

    from lms.models import Organisation, OrganisationKind, Teacher

    per_school = dict(Teacher.objects.values("school_id").annotate(n=Count("id")).values_list("school_id", "n"))
    school_paths = dict(Organisation.objects.filter(kind=OrganisationKind.SCHOOL).values_list("id", "path"))
    counties = list(Organisation.objects.filter(kind=OrganisationKind.COUNTY))
    by_path = {county.path: county for county in counties}
    totals: Counter[str] = Counter()
    for school_id, count in per_school.items():
        path = school_paths[school_id]
        county_path = next((p for p in (path[:12], path[:8]) if p in by_path), None)
        if county_path is not None:
            totals[county_path] += count
    if not totals:
        raise SystemExit("No teachers in any county: run bench/generate_province.py first.")
    path, count = totals.most_common(1)[0]
    return by_path[path], count


def county_admin(county):
    from django.contrib.auth import get_user_model

    from lms.models import Role, RoleGrant
    from lms.services import role_grant, role_revoke

    user, _created = get_user_model().objects.get_or_create(username=USERNAME)
    for grant in RoleGrant.objects.filter(user=user, revoked_at__isnull=True).exclude(organisation=county):
        role_revoke(grant=grant)
    role_grant(user=user, role=Role.COUNTY_ADMIN, organisation=county)
    return user


def timed_get(client, url: str) -> tuple[float, object]:
    started = time.perf_counter()
    response = client.get(url)
    return (time.perf_counter() - started) * 1000, response


def found_count(response) -> int:
    page = response.context["page"] if response.context is not None else None
    if page is None:
        raise AssertionError("the teacher list gave no 'page' in its context")
    return page.paginator.count


def report(label: str, millis: list[float]) -> float:
    p95 = percentile(millis, 0.95)
    print(
        f"{label:<28} n={len(millis):<4} p50={percentile(millis, 0.50):7.1f} ms  "
        f"p95={p95:7.1f} ms  max={max(millis):7.1f} ms"
    )
    return p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=200, help="number of list requests")
    parser.add_argument("--searches", type=int, default=200, help="number of ID-number searches")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    database_url()
    setup_django()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from lms.crypto import decrypt_text
    from lms.selectors import teachers_visible_to

    setup_test_environment()  # the test client records the template context; 'testserver' is an allowed host
    rng = random.Random(args.seed)
    county, teacher_count = county_with_most_teachers()
    user = county_admin(county)
    pages = math.ceil(teacher_count / PAGE_SIZE)
    print(f"county {county} — {teacher_count} teachers, {pages} pages of {PAGE_SIZE}; user {USERNAME}")
    client = Client()
    client.force_login(user)
    for _ in range(5):  # warm up: connection, caches, template loading
        client.get(f"/manage/teachers/?page={rng.randint(1, pages)}")

    list_ms: list[float] = []
    for _ in range(args.pages):
        page = rng.randint(1, pages)
        millis, response = timed_get(client, f"/manage/teachers/?page={page}")
        assert response.status_code == 200, (page, response.status_code)
        assert found_count(response) == teacher_count
        list_ms.append(millis)

    sample = list(teachers_visible_to(user).order_by("?").values_list("id", "id_number_encrypted")[: args.searches])
    search_ms: list[float] = []
    for teacher_id, encrypted in sample:
        number = decrypt_text(encrypted)
        millis, response = timed_get(client, f"/manage/teachers/?q={number}")
        assert response.status_code == 200, (number, response.status_code)
        page = response.context["page"]
        assert page.paginator.count == 1 and page.object_list[0].pk == teacher_id, number
        search_ms.append(millis)

    print("server time (client.get, in-process):")
    worst = max(report("list ?page=N", list_ms), report("search ?q=<ID number>", search_ms))
    verdict = "OK" if worst < TARGET_P95_MS else "SLOW"
    print(f"target p95 < {TARGET_P95_MS:.0f} ms: {verdict}")


if __name__ == "__main__":
    main()
