"""Open Badges 3.0: the credential's shape, the VC-JWT verified with nothing but the published key, the issuer
profile it points to, and who may download it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from certification.services import certificate_revoke, certificate_suspend
from certification.verify.badges import open_badge_credential, open_badge_jwt
from certification.verify.keys import b64url_decode, b64url_encode
from lms.models import AccessLog
from tests.certification_setup import cert_world, certificate_make
from tests.factories import Role, make_teacher, make_user

pytestmark = pytest.mark.django_db
SITE = "https://zs.example.edu.cn"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.CERTIFICATE_SITE_URL = SITE


@pytest.fixture
def world(tree):
    return cert_world(tree)


@pytest.fixture
def teacher(world):
    return make_teacher(school=world.tree.school_a1_1, real_name="张晓明")


@pytest.fixture
def certificate(world, teacher):
    return certificate_make(teacher=teacher, rule=world.basic_rule, issuer=world.county_issuer, issued_on=dt.date(2025, 6, 1))


def _jwt_verified_with_published_key(client, token: str) -> tuple[dict, dict]:
    header_part, payload_part, signature_part = token.split(".")
    header = json.loads(b64url_decode(header_part))
    (jwk,) = [k for k in client.get("/verify/keys.json").json()["keys"] if k["kid"] == header["kid"]]
    public = Ed25519PublicKey.from_public_bytes(b64url_decode(jwk["x"]))
    public.verify(b64url_decode(signature_part), f"{header_part}.{payload_part}".encode())
    return header, json.loads(b64url_decode(payload_part))


def test_credential_is_an_ob3_open_badge_credential(certificate):
    credential = open_badge_credential(certificate=certificate)
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["id"] == f"{SITE}/verify/{certificate.number}/"
    assert credential["issuer"] == {"id": f"{SITE}/verify/issuers/990101/", "type": ["Profile"], "name": "甲一县教育局"}
    assert credential["validFrom"] == "2025-06-01T00:00:00+08:00" and credential["validUntil"] == "2030-06-01T23:59:59+08:00"
    subject = credential["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"] and achievement["name"] == "初级" and achievement["id"].startswith(SITE)
    assert achievement["description"] and "3" in achievement["criteria"]["narrative"] and "50" in achievement["criteria"]["narrative"]
    assert "校本研修" in achievement["criteria"]["narrative"]


def test_holder_is_identified_by_a_salted_hash_of_the_name_not_the_name(certificate, teacher):
    credential = open_badge_credential(certificate=certificate)
    assert "张晓明" not in json.dumps(credential, ensure_ascii=False)
    assert teacher.id_number_masked not in json.dumps(credential, ensure_ascii=False)
    (identity,) = credential["credentialSubject"]["identifier"]
    assert identity["hashed"] is True and identity["identityType"] == "name"
    assert identity["identityHash"] == "sha256$" + hashlib.sha256(("张晓明" + identity["salt"]).encode()).hexdigest()


def test_jwt_verifies_with_the_published_key_and_carries_the_vc_jwt_claims(client, certificate):
    header, payload = _jwt_verified_with_published_key(client, open_badge_jwt(certificate=certificate))
    assert header["alg"] == "EdDSA" and header["typ"] == "vc+jwt" and header["kid"].startswith("990101-")
    assert client.get(header["jku"].removeprefix(SITE)).json()["keys"][0]["kid"] == header["kid"]
    assert payload["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert payload["credentialSubject"]["type"] == ["AchievementSubject"]
    assert payload["iss"] == payload["issuer"]["id"] and payload["jti"] == payload["id"]
    assert payload["nbf"] == int(dt.datetime(2025, 5, 31, 16, tzinfo=dt.UTC).timestamp())
    assert payload["exp"] > payload["nbf"]


def test_a_changed_jwt_payload_fails_verification(client, certificate):
    header_part, payload_part, signature_part = open_badge_jwt(certificate=certificate).split(".")
    payload = json.loads(b64url_decode(payload_part))
    payload["credentialSubject"]["achievement"]["name"] = "高级"
    forged = f"{header_part}.{b64url_encode(json.dumps(payload).encode())}.{signature_part}"
    with pytest.raises(InvalidSignature):
        _jwt_verified_with_published_key(client, forged)


def test_issuer_profile_is_served_at_the_credentials_issuer_id(client, certificate):
    issuer_id = open_badge_credential(certificate=certificate)["issuer"]["id"]
    profile = client.get(issuer_id.removeprefix(SITE)).json()
    assert profile["id"] == issuer_id and profile["type"] == ["Profile"] and profile["name"] == "甲一县教育局"
    assert client.get("/verify/issuers/123456/").status_code == 404


def test_teacher_downloads_their_own_badge_as_an_attachment(client, certificate, teacher):
    client.force_login(teacher.user)
    response = client.get(f"/certificates/{certificate.pk}/badge.jwt")
    assert response.status_code == 200 and response["Content-Type"] == "application/vc+jwt"
    assert response["Content-Disposition"] == f'attachment; filename="{certificate.number}-badge.jwt"'
    _, payload = _jwt_verified_with_published_key(client, response.content.decode())
    assert payload["id"].endswith(f"/verify/{certificate.number}/")
    assert not AccessLog.objects.exists()  # the holder's own download is not someone looking at their data


def test_another_teacher_and_another_countys_admin_get_404(client, world, certificate):
    client.force_login(make_teacher(school=world.tree.school_a1_1, real_name="李四").user)
    assert client.get(f"/certificates/{certificate.pk}/badge.jwt").status_code == 404
    client.force_login(make_user("county_b1", role=Role.COUNTY_ADMIN, organisation=world.tree.county_b1))
    assert client.get(f"/certificates/{certificate.pk}/badge.jwt").status_code == 404


def test_own_countys_admin_downloads_and_it_is_logged(client, world, certificate, teacher):
    admin = make_user("county_a1", role=Role.COUNTY_ADMIN, organisation=world.tree.county_a1)
    client.force_login(admin)
    assert client.get(f"/certificates/{certificate.pk}/badge.jwt").status_code == 200
    entry = AccessLog.objects.get()
    assert entry.actor_id == admin.pk and entry.teacher_id_ref == teacher.pk and entry.action == "export"


def test_anonymous_visitor_is_sent_to_log_in(client, certificate):
    response = client.get(f"/certificates/{certificate.pk}/badge.jwt")
    assert response.status_code == 302 and "login" in response["Location"]


def test_revoked_certificate_badge_is_refused_with_a_message(client, certificate, teacher):
    certificate_revoke(certificate=certificate, reason_code="fraud")
    client.force_login(teacher.user)
    response = client.get(f"/certificates/{certificate.pk}/badge.jwt")
    assert response.status_code == 409 and "已撤销的证书不能下载" in response.content.decode()


def test_suspended_certificate_badge_can_still_be_downloaded(client, certificate, teacher):
    certificate_suspend(certificate=certificate, reason_code="hours_short")
    client.force_login(teacher.user)
    assert client.get(f"/certificates/{certificate.pk}/badge.jwt").status_code == 200
