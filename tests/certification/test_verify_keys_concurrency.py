"""PostgreSQL: many workers signing an issuer's first certificates at once make one key, and every QR verifies."""

from __future__ import annotations

import pytest
from django.db import connection

from certification.models import IssuerKey
from certification.verify.signing import certificate_qr_payload, qr_payload_verify
from tests.certification_setup import cert_world, certificate_make
from tests.concurrency import race
from tests.factories import build_tree, make_teacher

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent sessions"),
]


def test_first_signatures_at_once_create_one_key():
    world = cert_world(build_tree())
    certificates = [
        certificate_make(teacher=make_teacher(school=world.tree.school_a1_1, real_name=name), rule=world.basic_rule, issuer=world.county_issuer)
        for name in ["王小明", "李小红", "赵大海", "钱多多", "孙悟空", "周星星"]
    ]
    results = race([lambda c=c: certificate_qr_payload(certificate=c) for c in certificates])
    assert all(isinstance(r, str) for r in results), results
    assert IssuerKey.objects.filter(issuer=world.county_issuer).count() == 1
    assert {qr_payload_verify(payload=r)["k"] for r in results} == {IssuerKey.objects.get().key_id}  # type: ignore[arg-type,index]
