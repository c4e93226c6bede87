"""Benchmark: one teacher look-up by ID number through the HR API, with 1,000,000 teachers loaded.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_bench .venv/bin/python bench/personnel_api.py

Needs the province of bench/generate_province.py. Issues (once; later runs rotate its key) a province-wide
and a county-wide API key with every scope, samples random teachers with their ID numbers (decrypted from
the stored ciphertext), then times GET /api/v1/teachers/?id_number=… through Django's test Client — the
whole middleware, DRF, key check, scope, rate limit, scoped query, level and access-log write — and checks
that each answer found the right teacher (and, for the county key, that teachers of other counties are
not found). Prints p50/p95/max in ms and the queries per request. Target: p95 < 30 ms.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import database_url, percentile, setup_django  # noqa: E402

TARGET_MS = 30.0
ISSUER = "bench_api_issuer"
NAMES = {"province": "bench personnel API (province)", "county": "bench personnel API (county)"}


def issuer(province):
    from django.contrib.auth import get_user_model

    from lms.api import Role, role_grant

    user, _created = get_user_model().objects.get_or_create(username=ISSUER)
    role_grant(user=user, role=Role.PROVINCE_ADMIN, organisation=province)
    return user


def key_for(*, actor, organisation, name: str) -> str:
    """The bench's own client for the region: issued once, its key rotated on every run (keys are not stored)."""
    import secrets

    from certification.hr_api.keys import MAX_RATE_PER_MINUTE, api_client_issue, key_hash
    from certification.models import ApiClient, ApiScope

    client = ApiClient.objects.filter(name=name, organisation=organisation, revoked_at__isnull=True).first()
    if client is None:
        _client, key = api_client_issue(
            actor=actor, name=name, organisation=organisation, scopes=list(ApiScope.values),
            rate_per_minute=MAX_RATE_PER_MINUTE, contact="bench",
        )
        return key
    key = f"{client.key_prefix}.{secrets.token_urlsafe(32)}"
    ApiClient.objects.filter(pk=client.pk).update(key_hash=key_hash(key))
    return key


def sample(rng: random.Random, size: int, *, school_ids=None) -> list[tuple[int, str]]:
    """(teacher id, ID number) of random teachers, optionally of some schools only."""
    from django.db.models import Max, Min

    from lms.api import Teacher, decrypt_text

    if school_ids is not None:  # a county: a few thousand rows, shuffled by the database
        rows = Teacher.objects.filter(school_id__in=school_ids).order_by("?").values_list("pk", "id_number_encrypted")[:size]
        return [(pk, decrypt_text(encrypted)) for pk, encrypted in rows]
    teachers = Teacher.objects.all()
    bounds = teachers.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        sys.exit("Load the province first: make bench-generate")
    picked: dict[int, str] = {}
    for _attempt in range(20):
        ids = [rng.randint(bounds["low"], bounds["high"]) for _ in range(size * 3)]
        for pk, encrypted in teachers.filter(pk__in=ids).values_list("pk", "id_number_encrypted"):
            picked.setdefault(pk, encrypted)
        if len(picked) >= size:
            break
    return [(pk, decrypt_text(encrypted)) for pk, encrypted in list(picked.items())[:size]]


def run(client, key: str, people: list[tuple[int, str]], *, expect_found: bool) -> tuple[list[float], int]:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    millis: list[float] = []
    wrong = 0
    for teacher_id, number in people:
        started = time.perf_counter()
        response = client.get("/api/v1/teachers/", {"id_number": number}, **headers)
        millis.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (response.status_code, response.content[:300])
        found = [row["id"] for row in response.json()["results"]]
        wrong += int(found != ([teacher_id] if expect_found else []))
    return millis, wrong


def queries_per_request(client, key: str, people: list[tuple[int, str]]) -> float:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        for _teacher_id, number in people:
            client.get("/api/v1/teachers/", {"id_number": number}, HTTP_AUTHORIZATION=f"Bearer {key}")
    return len(captured.captured_queries) / len(people)


def report(label: str, millis: list[float], wrong: int, queries: float) -> float:
    p95 = percentile(millis, 0.95)
    print(
        f"{label:<34} n={len(millis):<4} p50={percentile(millis, 0.50):6.1f} ms  p95={p95:6.1f} ms  "
        f"max={max(millis):6.1f} ms  queries/request={queries:.1f}  wrong answers={wrong}"
    )
    return p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lookups", type=int, default=500, help="look-ups per key")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    database_url()
    setup_django()
    from django.conf import settings
    from django.test import Client

    from lms.api import Organisation, OrganisationKind, Teacher

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    rng = random.Random(args.seed)
    province = Organisation.objects.filter(kind=OrganisationKind.PROVINCE).order_by("path").first()
    if province is None:
        sys.exit("Load the province first: make bench-generate")
    actor = issuer(province)
    print(f"teachers loaded: {Teacher.objects.count():,}; cache: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}")

    province_people = sample(rng, args.lookups)
    first_school = Organisation.objects.get(pk=Teacher.objects.get(pk=province_people[0][0]).school_id)
    county = next(node for node in first_school.get_ancestors() if node.kind == OrganisationKind.COUNTY)
    county_schools = list(Organisation.objects.filter(path__startswith=county.path, kind=OrganisationKind.SCHOOL).values_list("pk", flat=True))
    county_people = sample(rng, args.lookups, school_ids=county_schools)
    outsiders = [(pk, number) for pk, number in province_people if pk not in {p for p, _n in county_people}][:100]
    outsiders = [(pk, n) for pk, n in outsiders if not Teacher.objects.filter(pk=pk, school_id__in=county_schools).exists()]

    client = Client()
    keys = {
        "province": key_for(actor=actor, organisation=province, name=NAMES["province"]),
        "county": key_for(actor=actor, organisation=county, name=NAMES["county"]),
    }
    for key, people in ((keys["province"], province_people), (keys["county"], county_people)):
        run(client, key, people[:20], expect_found=True)  # warm-up: connection, caches, translations
    print(f"province {province}; county {county} ({len(county_schools)} schools)")
    print("server time of GET /api/v1/teachers/?id_number=… (in-process test Client, whole stack):")
    worst = 0.0
    for label, key, people, expect in (
        ("province key, teacher found", keys["province"], province_people, True),
        ("county key, teacher of the county", keys["county"], county_people, True),
        ("county key, teacher of elsewhere", keys["county"], outsiders, False),
    ):
        millis, wrong = run(client, key, people, expect_found=expect)
        queries = queries_per_request(client, key, people[:20])
        worst = max(worst, report(label, millis, wrong, queries))
        if wrong:
            print(f"  !! {wrong} answers did not find the expected teacher")
    print(f"target p95 < {TARGET_MS:.0f} ms: {'met' if worst < TARGET_MS else 'NOT met'} (worst p95 {worst:.1f} ms)")


if __name__ == "__main__":
    main()
