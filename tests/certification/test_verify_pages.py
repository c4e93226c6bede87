"""The public verification pages: status with dates, masked name, nothing else personal; one identical
"not found" for a malformed number, an unknown one or a wrong name; signed QR payloads; rate limit; headers."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from certification.models import CertificateStatus
from certification.services import certificate_revoke, certificate_suspend
from certification.verify.keys import b64url_decode, b64url_encode
from certification.verify.signing import certificate_qr_payload
from tests.certification_setup import cert_world, certificate_make
from tests.factories import make_teacher

pytestmark = pytest.mark.django_db
NOT_FOUND = "未找到证书"


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "verify-tests"}}
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def world(tree):
    return cert_world(tree)


@pytest.fixture
def teacher(world):
    return make_teacher(school=world.tree.school_a1_1, real_name="张晓明")


@pytest.fixture
def certificate(world, teacher):
    return certificate_make(teacher=teacher, rule=world.basic_rule, issuer=world.county_issuer, issued_on=dt.date(2025, 6, 1))


def _look_up(client, number: str, name: str = "") -> str:
    return client.post("/verify/", {"number": number, "name": name}).content.decode()


def _holder_data_absent(page: str, teacher, certificate) -> None:
    for private in (teacher.real_name, teacher.id_number_masked, teacher.school.name, "张*明", certificate.number, "初级", "甲一县教育局"):
        assert private not in page, private


def test_valid_certificate_shows_status_level_issuer_dates_and_masked_name_only(client, certificate, teacher):
    response = client.get(f"/verify/{certificate.number}/")
    page = response.content.decode()
    assert response.status_code == 200 and 'data-outcome="valid"' in page and "有效" in page
    for shown in ("张*明", "初级", "甲一县教育局", "2025-06-01", "2030-06-01", certificate.number):
        assert shown in page, shown
    for hidden in ("张晓明", teacher.id_number_masked, "甲一县第一小学"):
        assert hidden not in page, hidden


def test_expired_certificate_says_expired(client, world, teacher):
    certificate = certificate_make(teacher=teacher, rule=world.basic_rule, issuer=world.county_issuer, issued_on=dt.date(2019, 3, 1))
    page = client.get(f"/verify/{certificate.number}/").content.decode()
    assert 'data-outcome="expired"' in page and "2024-03-01" in page


@pytest.mark.parametrize("change", [certificate_suspend, certificate_revoke])
def test_suspended_or_revoked_shows_the_date_but_not_the_reason(client, certificate, change):
    change(certificate=certificate, reason_code="misconduct", reason_text="违反师德规定的具体情况", effective_on=dt.date(2026, 2, 3))
    page = client.get(f"/verify/{certificate.number}/").content.decode()
    status = CertificateStatus.SUSPENDED if change is certificate_suspend else CertificateStatus.REVOKED
    assert f'data-outcome="{status}"' in page and "2026-02-03" in page
    assert "违反师德" not in page and "师德失范" not in page


def test_matching_name_shows_the_certificate_and_a_wrong_name_is_not_found(client, certificate):
    assert "张*明" in _look_up(client, certificate.number, " 张晓明 ")
    page = _look_up(client, certificate.number, "张小明")
    assert NOT_FOUND in page and "张*明" not in page and certificate.number not in page


def _normalised(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


@pytest.mark.parametrize("bad", ["990101202500000X!", "'; drop table x;--", "12", "x" * 41, "<script>alert(1)</script>"])
def test_malformed_unknown_and_wrong_name_give_one_identical_answer_that_echoes_nothing(client, certificate, bad):
    unknown = _normalised(_look_up(client, "9901012025999999"))
    assert NOT_FOUND in unknown and "9901012025999999" not in unknown
    assert _normalised(_look_up(client, bad)) == unknown
    assert _normalised(_look_up(client, certificate.number, "李四")) == unknown


def test_number_page_for_unknown_and_malformed_is_the_same_not_found(client, certificate):
    unknown = client.get("/verify/9901012025999999/")
    malformed = client.get("/verify/abc$$/")
    assert unknown.status_code == malformed.status_code == 200
    strip = lambda r, n: _normalised(r.content.decode()).replace(n, "")  # noqa: E731 - the language form's "next" repeats the path
    assert strip(unknown, "9901012025999999") == strip(malformed, "abc$$") and NOT_FOUND in unknown.content.decode()


def test_signed_payload_from_the_qr_says_signature_valid_with_the_status(client, certificate):
    page = client.get(f"/verify/{certificate.number}/", {"p": certificate_qr_payload(certificate=certificate)}).content.decode()
    assert "签名有效" in page and 'data-outcome="valid"' in page and "张*明" in page


def test_signed_payload_of_a_revoked_certificate_still_says_revoked(client, certificate):
    payload = certificate_qr_payload(certificate=certificate)
    certificate_revoke(certificate=certificate, reason_code="fraud", effective_on=dt.date(2026, 1, 5))
    page = client.get(f"/verify/{certificate.number}/", {"p": payload}).content.decode()
    assert "签名有效" in page and 'data-outcome="revoked"' in page and "2026-01-05" in page


def _tampered(payload: str, how: str) -> str:
    claims_part, signature_part = payload.split(".")
    if how == "claims":
        raw = bytearray(b64url_decode(claims_part))
        raw[raw.index(b"2030")] = ord("3")
        return f"{b64url_encode(bytes(raw))}.{signature_part}"
    if how == "signature":
        signature = bytearray(b64url_decode(signature_part))
        signature[0] ^= 0x80
        return f"{claims_part}.{b64url_encode(bytes(signature))}"
    if how == "kid":
        other_kid = b64url_decode(claims_part).replace(b'"k":"990101-', b'"k":"990102-')
        return f"{b64url_encode(other_kid)}.{signature_part}"
    return "garbage-%%%.@@"


@pytest.mark.parametrize("how", ["claims", "signature", "kid", "garbage"])
def test_tampered_payload_says_signature_invalid_and_shows_no_holder_data(client, certificate, teacher, how):
    response = client.get(f"/verify/{certificate.number}/", {"p": _tampered(certificate_qr_payload(certificate=certificate), how)})
    page = response.content.decode().replace(f"/verify/{certificate.number}/", "")  # the language form's "next"
    assert response.status_code == 200 and "签名无效" in page and 'data-outcome="signature-invalid"' in page
    assert "签名有效" not in page and 'data-outcome="valid"' not in page and "有效期至" not in page
    _holder_data_absent(page, teacher, certificate)


def test_genuine_payload_under_another_number_is_signature_invalid(client, world, certificate):
    other = certificate_make(teacher=make_teacher(school=world.tree.school_a1_1, real_name="李四"), rule=world.basic_rule, issuer=world.county_issuer)
    page = client.get(f"/verify/{other.number}/", {"p": certificate_qr_payload(certificate=certificate)}).content.decode()
    assert "签名无效" in page and "李*" not in page


def test_look_ups_beyond_the_rate_get_429_with_a_chinese_message(client, settings, certificate):
    settings.VERIFY_RATE_PER_MINUTE = 3
    codes = [client.get(f"/verify/{certificate.number}/").status_code for _ in range(2)]
    codes.append(client.post("/verify/", {"number": "9901012025999999"}).status_code)
    limited = client.get(f"/verify/{certificate.number}/")
    assert codes == [200, 200, 200] and limited.status_code == 429
    page = limited.content.decode()
    assert "查询过于频繁" in page and "张*明" not in page
    assert limited["Cache-Control"] == "no-store"
    assert client.get("/verify/", REMOTE_ADDR="10.1.2.3").status_code == 200  # the empty form is not a look-up
    assert client.get(f"/verify/{certificate.number}/", REMOTE_ADDR="10.1.2.3").status_code == 200  # another address


def test_public_pages_are_not_cached_or_indexed_and_need_no_login(client, certificate):
    for response in (client.get("/verify/"), client.get(f"/verify/{certificate.number}/"), client.post("/verify/", {"number": "x"})):
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store" and response["X-Robots-Tag"] == "noindex"


def test_the_page_reads_in_english_too(client, certificate):
    page = client.get(f"/verify/{certificate.number}/", headers={"accept-language": "en"}).content.decode()
    assert "Verify a certificate" in page and "Valid until" in page


def test_keys_are_published_as_jwks_overall_and_per_issuer(client, world, certificate):
    certificate_qr_payload(certificate=certificate)
    everything = client.get("/verify/keys.json").json()
    (key,) = everything["keys"]
    assert key["kty"] == "OKP" and key["crv"] == "Ed25519" and len(b64url_decode(key["x"])) == 32
    assert key["issuer_code"] == "990101" and key["issuer_name"] == "甲一县教育局" and key["retired"] is False
    assert "d" not in key
    assert client.get("/verify/keys/990101.json").json()["keys"] == [key]
    assert client.get("/verify/keys/990000.json").json() == {"keys": []}  # an issuer without a key yet
    assert client.get("/verify/keys/123456.json").status_code == 404


def test_keys_page_explains_offline_checking_in_chinese(client, certificate):
    certificate_qr_payload(certificate=certificate)
    page = client.get("/verify/keys/").content.decode()
    assert "离线核验" in page and "990101-" in page and "verify_qr_offline.py" in page
    script = client.get("/verify/keys/verify_qr_offline.py")
    assert script.status_code == 200 and b"Ed25519PublicKey" in script.content
