"""Shared set-up of the HR-API tests: three teachers in three counties, keys issued through the service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from certification.hr_api.keys import api_client_issue
from certification.models import ApiClient, ApiScope, Certificate
from lms.models import AccessLog, Organisation, Role, Teacher
from tests.certification_setup import CertWorld, cert_world, certificate_make
from tests.factories import Tree, make_teacher, make_user, new_id_number

ALL_SCOPES = list(ApiScope.values)


@dataclass
class ApiWorld:
    tree: Tree
    cert: CertWorld
    province_admin: User
    a1_admin: User
    teacher_a1: Teacher  # county a1, holds a 初级 certificate
    id_a1: str
    teacher_a2: Teacher  # county a2 (same city)
    id_a2: str
    teacher_b1: Teacher  # county b1 (another city)
    id_b1: str
    certificate_a1: Certificate
    certificate_b1: Certificate


def api_world(tree: Tree) -> ApiWorld:
    cert = cert_world(tree)
    province_admin = make_user("prov-admin", role=Role.PROVINCE_ADMIN, organisation=tree.province)
    a1_admin = make_user("a1-admin", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    id_a1, id_a2, id_b1 = new_id_number(), new_id_number(), new_id_number()
    teacher_a1 = make_teacher(school=tree.school_a1_1, real_name="李明华", id_number=id_a1)
    teacher_a2 = make_teacher(school=tree.school_a2_1, real_name="李晓红", id_number=id_a2)
    teacher_b1 = make_teacher(school=tree.school_b1_1, real_name="李建国", id_number=id_b1)
    certificate_a1 = certificate_make(teacher=teacher_a1, rule=cert.basic_rule, issuer=cert.county_issuer)
    certificate_b1 = certificate_make(teacher=teacher_b1, rule=cert.basic_rule, issuer=cert.province_issuer)
    return ApiWorld(
        tree, cert, province_admin, a1_admin, teacher_a1, id_a1, teacher_a2, id_a2, teacher_b1, id_b1,
        certificate_a1, certificate_b1,
    )


def issue_key(
    *, actor: User, organisation: Organisation, scopes: list[str] | None = None, rate: int = 1000, name: str = "甲一县人事系统"
) -> tuple[ApiClient, str]:
    return api_client_issue(
        actor=actor, name=name, organisation=organisation, scopes=ALL_SCOPES if scopes is None else scopes,
        rate_per_minute=rate, contact="人事科 张三",
    )


def api_get(client: Client, key: str | None, path: str, params: dict[str, Any] | None = None, **headers: Any) -> Any:
    if key is not None:
        headers.setdefault("HTTP_AUTHORIZATION", f"Bearer {key}")
    return client.get(path, params or {}, **headers)


def last_api_log() -> AccessLog:
    return AccessLog.objects.filter(channel="api").order_by("-id")[0]


def assert_no_full_id(numbers: list[str]) -> None:
    """No full ID number anywhere in the access log."""
    for entry in AccessLog.objects.all():
        text = " ".join([entry.subject, entry.path, entry.reason, entry.actor_username])
        for number in numbers:
            assert number not in text, (number, text)


@pytest.fixture(autouse=True)
def _own_cache(settings: Any) -> None:
    """A private in-memory cache per test: rate-limit counters never leak between tests or processes."""
    import uuid

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}}
