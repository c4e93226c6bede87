"""Signed QR payloads: what the QR carries, what verifies, what doesn't; keys made once, rotated, published;
and the standalone offline checker run with nothing but the published key set."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import segno
from django.core.management import CommandError, call_command

from certification.models import IssuerKey
from certification.verify.keys import b64url_decode, b64url_encode, issuer_signing_key, private_key
from certification.verify.signing import canonical_json, certificate_qr_payload, certificate_qr_text, holder_name_masked, qr_payload_verify
from tests.certification_setup import cert_world, certificate_make
from tests.factories import make_teacher

pytestmark = pytest.mark.django_db
SITE = "https://zs.example.edu.cn"
CHECKER = Path(__file__).resolve().parents[2] / "scripts" / "verify_qr_offline.py"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.CERTIFICATE_SITE_URL = SITE


@pytest.fixture
def world(tree):
    return cert_world(tree)


@pytest.fixture
def certificate(world):
    teacher = make_teacher(school=world.tree.school_a1_1, real_name="张晓明")
    return certificate_make(teacher=teacher, rule=world.basic_rule, issuer=world.county_issuer)


def _claims_raw(payload: str) -> bytes:
    return b64url_decode(payload.split(".")[0])


def _resign(claims: dict, *, key: IssuerKey) -> str:
    raw = canonical_json(claims)
    return f"{b64url_encode(raw)}.{b64url_encode(private_key(key=key).sign(raw))}"


def test_qr_text_points_at_the_number_page_and_carries_compact_signed_claims(certificate):
    text = certificate_qr_text(certificate=certificate)
    prefix = f"{SITE}/verify/{certificate.number}/?p="
    assert text.startswith(prefix)
    claims = qr_payload_verify(payload=text[len(prefix):])
    assert claims == {
        "n": certificate.number, "l": "basic", "ln": "初级", "i": "2025-06-01", "u": "2030-06-01",
        "h": "张*明", "o": "990101", "k": IssuerKey.objects.get().key_id,
    }
    assert "张晓明" not in _claims_raw(text[len(prefix):]).decode()
    # Short enough for a small, easily scanned code.
    assert len(text) < 340 and int(segno.make(text, error="m", micro=False).version) <= 13  # 69×69 modules: about 0.4 mm each at 3 cm


def test_names_are_masked_by_length():
    assert [holder_name_masked(n) for n in ["张晓明", "李四", "欧阳小明", "Li", "王"]] == ["张*明", "李*", "欧*", "L*", "王*"]


def test_key_made_once_on_first_use_and_private_half_stored_encrypted(world, certificate):
    assert not IssuerKey.objects.exists()
    first = issuer_signing_key(issuer=world.county_issuer)
    assert issuer_signing_key(issuer=world.county_issuer).pk == first.pk
    certificate_qr_payload(certificate=certificate)
    assert IssuerKey.objects.count() == 1
    raw = private_key(key=first).private_bytes_raw()
    assert b64url_encode(raw) not in first.private_key_encrypted and len(first.private_key_encrypted) > 60
    assert first.key_id.startswith("990101-") and first.retired_at is None


@pytest.mark.parametrize("tamper", ["claims_byte", "signature_byte", "unknown_kid", "other_issuer_claimed", "truncated"])
def test_tampered_payload_does_not_verify(world, certificate, tamper):
    payload = certificate_qr_payload(certificate=certificate)
    claims_part, signature_part = payload.split(".")
    if tamper == "claims_byte":
        raw = bytearray(_claims_raw(payload))
        raw[raw.index(b"2030")] = ord("3")  # valid until 3030
        payload = f"{b64url_encode(bytes(raw))}.{signature_part}"
    elif tamper == "signature_byte":
        signature = bytearray(b64url_decode(signature_part))
        signature[10] ^= 0x01
        payload = f"{claims_part}.{b64url_encode(bytes(signature))}"
    elif tamper == "unknown_kid":
        claims = json.loads(_claims_raw(payload))
        payload = _resign({**claims, "k": "990101-00000000"}, key=IssuerKey.objects.get())
    elif tamper == "other_issuer_claimed":
        # A real key of one bureau cannot vouch for another bureau's certificates.
        claims = json.loads(_claims_raw(payload))
        province_key = issuer_signing_key(issuer=world.province_issuer)
        payload = _resign({**claims, "k": province_key.key_id}, key=province_key)
        assert qr_payload_verify(payload=payload) is None
        payload = _resign({**claims, "o": "990000", "k": province_key.key_id}, key=IssuerKey.objects.get(issuer=world.county_issuer))
    else:
        payload = payload[:-3]
    assert qr_payload_verify(payload=payload) is None


@pytest.mark.parametrize("garbage", [
    "", ".", "..", "abc", "a.b", "!!!.###", "eyJ9.", "=" * 40, "a" * 5000, "e30.AAAA", "😀.😀",
    b64url_encode(b"[" * 1000) + "." + "A" * 86, b64url_encode(b'{"n":1}') + "." + "A" * 86,
])
def test_garbage_is_refused_without_an_exception(certificate, garbage):
    certificate_qr_payload(certificate=certificate)
    assert qr_payload_verify(payload=garbage) is None


def test_rotation_keeps_old_signatures_valid_and_signs_new_ones_with_the_new_key(world, certificate):
    old_payload = certificate_qr_payload(certificate=certificate)
    old_key = IssuerKey.objects.get()
    call_command("issuer_key_rotate", "990101", stdout=open("/dev/null", "w"))
    old_key.refresh_from_db()
    new_key = IssuerKey.objects.get(retired_at__isnull=True)
    assert old_key.retired_at is not None and new_key.pk != old_key.pk
    assert qr_payload_verify(payload=old_payload)["k"] == old_key.key_id  # type: ignore[index]
    assert qr_payload_verify(payload=certificate_qr_payload(certificate=certificate))["k"] == new_key.key_id  # type: ignore[index]
    assert issuer_signing_key(issuer=world.county_issuer).pk == new_key.pk


def test_rotation_of_an_unknown_issuer_is_refused_and_changes_nothing(certificate):
    certificate_qr_payload(certificate=certificate)
    with pytest.raises(CommandError, match="No certificate issuer"):
        call_command("issuer_key_rotate", "123456")
    assert IssuerKey.objects.filter(retired_at__isnull=True).count() == 1


def _offline(client, tmp_path, text: str) -> subprocess.CompletedProcess[str]:
    jwks = tmp_path / "keys.json"
    jwks.write_bytes(client.get("/verify/keys.json").content)
    return subprocess.run(
        [sys.executable, str(CHECKER), "--jwks", str(jwks), text], capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin"},  # no Django settings, no database: only the key file
    )


def test_offline_checker_verifies_with_only_the_published_key_set(client, tmp_path, certificate):
    text = certificate_qr_text(certificate=certificate)
    done = _offline(client, tmp_path, text)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "签名有效" in done.stdout and json.loads(done.stdout.split("\n", 1)[1])["n"] == certificate.number
    payload = text.split("?p=")[1]
    assert _offline(client, tmp_path, payload).returncode == 0  # the payload alone


def test_offline_checker_refuses_tampering_and_a_borrowed_payload(client, tmp_path, world, certificate):
    text = certificate_qr_text(certificate=certificate)
    claims_part, signature_part = text.split("?p=")[1].split(".")
    raw = _claims_raw(text.split("?p=")[1]).replace("张*明".encode(), "李*明".encode())
    forged = text.replace(claims_part, b64url_encode(raw))
    done = _offline(client, tmp_path, forged)
    assert done.returncode == 1 and "签名无效" in done.stdout and "990101" not in done.stdout
    other = certificate_make(teacher=make_teacher(school=world.tree.school_a1_1, real_name="李四"), rule=world.basic_rule, issuer=world.county_issuer)
    # A genuine payload pasted under another certificate's number.
    borrowed = f"{SITE}/verify/{other.number}/?p={text.split('?p=')[1]}"
    assert _offline(client, tmp_path, borrowed).returncode == 1


def test_offline_checker_accepts_a_payload_signed_before_rotation(client, tmp_path, certificate):
    text = certificate_qr_text(certificate=certificate)
    call_command("issuer_key_rotate", "990101", stdout=open("/dev/null", "w"))
    done = _offline(client, tmp_path, text)
    assert done.returncode == 0 and "已轮换停用" in done.stdout
