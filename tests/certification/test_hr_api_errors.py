"""Refusals of the HR API: 401 for no, unknown, malformed or revoked keys, 429 over the rate, 400 for
malformed parameters, 404/405 — all in one JSON shape and all in the access log without a full ID
number; the schema and the docs pages."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from certification.hr_api.keys import api_client_revoke
from certification.models import ApiClient
from lms.models import AccessLog
from tests.certification.hr_api_world import (  # noqa: F401
    _own_cache, api_get, api_world, assert_no_full_id, issue_key, last_api_log,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree):
    return api_world(tree)


@pytest.fixture
def county(world):
    return issue_key(actor=world.a1_admin, organisation=world.tree.county_a1)


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "detail"}
    assert body["error"]["message"]
    return body["error"]


@pytest.mark.parametrize("headers,code", [
    ({}, "not_authenticated"),
    ({"HTTP_AUTHORIZATION": "Bearer nodotinthiskey"}, "key_malformed"),
    ({"HTTP_AUTHORIZATION": "Basic dXNlcjpwYXNz"}, "key_malformed"),
    ({"HTTP_AUTHORIZATION": "Bearer abcdefgh.not-the-secret"}, "key_unknown"),
    ({"HTTP_X_API_KEY": "abcdefgh.not-the-secret"}, "key_unknown"),
])
def test_missing_malformed_and_unknown_keys_are_401(client, world, county, headers, code):
    response = client.get("/api/v1/teachers/", {"id_number": world.id_a1}, **headers)
    error = error_of(response, 401)
    assert error["code"] == code
    assert response["WWW-Authenticate"].startswith("Bearer")
    entry = last_api_log()
    assert entry.actor_id is None and entry.actor_username == "API: unknown key"
    assert entry.action == "refused" and entry.status_code == 401 and entry.channel == "api"
    assert_no_full_id([world.id_a1])


def test_right_prefix_with_a_wrong_secret_is_unknown(client, world, county):
    api_client, key = county
    forged = api_client.key_prefix + ".x" + key.split(".", 1)[1][1:]
    assert error_of(api_get(client, forged, "/api/v1/me/"), 401)["code"] == "key_unknown"
    assert last_api_log().actor_username == "API: unknown key"


def test_the_key_also_works_in_x_api_key(client, county):
    response = client.get("/api/v1/me/", HTTP_X_API_KEY=county[1])
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert last_api_log().actor == county[0].service_user


def test_revoked_key_is_401(client, world, county):
    api_client, key = county
    api_client_revoke(actor=world.a1_admin, client=api_client, reason="泄露")
    assert error_of(api_get(client, key, "/api/v1/teachers/", {"id_number": world.id_a1}), 401)["code"] == "key_revoked"
    assert last_api_log().actor_username == "API: 甲一县人事系统 (revoked)"


def test_over_the_rate_limit_is_429_with_retry_after(client, world):
    _client, key = issue_key(actor=world.a1_admin, organisation=world.tree.county_a1, rate=3)
    for _ in range(3):
        assert api_get(client, key, "/api/v1/me/").status_code == 200
    response = api_get(client, key, "/api/v1/teachers/", {"id_number": world.id_a1})
    error = error_of(response, 429)
    assert error["code"] == "throttled"
    assert 1 <= int(response["Retry-After"]) <= 60 and error["detail"]["retry_after"] == int(response["Retry-After"])
    entry = last_api_log()
    assert entry.status_code == 429 and entry.action == "refused" and entry.actor == _client.service_user
    other_key = issue_key(actor=world.a1_admin, organisation=world.tree.county_a1)[1]
    assert api_get(client, other_key, "/api/v1/me/").status_code == 200  # the limit is per key


def test_an_address_presenting_too_many_failed_keys_waits_even_with_a_good_key(client, world, county):
    from certification.hr_api.authentication import FAILED_KEYS_PER_MINUTE

    _api_client, key = county
    for _ in range(FAILED_KEYS_PER_MINUTE):
        assert api_get(client, "abcdefgh.guess", "/api/v1/me/").status_code == 401
    response = api_get(client, key, "/api/v1/teachers/", {"id_number": world.id_a1})
    error = error_of(response, 429)
    assert error["code"] == "too_many_failed_keys" and 1 <= int(response["Retry-After"]) <= 60
    entry = last_api_log()
    assert (entry.action, entry.status_code, entry.actor_id) == ("refused", 429, None)
    assert AccessLog.objects.filter(action="refused", status_code=401).count() == FAILED_KEYS_PER_MINUTE
    # Another address is not held back, and its good key answers.
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {key}", REMOTE_ADDR="10.1.2.3").status_code == 200


BAD_PARAMETERS = [
    ("/api/v1/teachers/", {"id_number": "11010119850314001X"}, "id_number"),  # wrong check character
    ("/api/v1/teachers/", {"id_number": "1101011985"}, "id_number"),
    ("/api/v1/teachers/", {}, "id_number"),
    ("/api/v1/teachers/", {"name": "李明", "certificate_number": "990101202500001"}, "name"),
    ("/api/v1/teachers/", {"idnumber": "110101198503140019"}, "idnumber"),
    ("/api/v1/teachers/", {"name": "李"}, "name"),
    ("/api/v1/teachers/", {"name": "李明1"}, "name"),
    ("/api/v1/teachers/", {"name": "李明", "page": "abc"}, "page"),
    ("/api/v1/teachers/", {"name": "李明", "page": "0"}, "page"),
    ("/api/v1/teachers/", {"name": "李明", "page": "9"}, "page"),
    ("/api/v1/teachers/", {"name": "李明", "page_size": "1000"}, "page_size"),
    ("/api/v1/teachers/", {"certificate_number": "99 01'--"}, "certificate_number"),
    ("TEACHER/hours/", {"year": "2025.5"}, "year"),
    ("TEACHER/hours/", {"year": "今年"}, "year"),
    ("TEACHER/eligibility/", {"title": "headmaster"}, "title"),
    ("TEACHER/eligibility/", {"level": "expert"}, "level"),
    ("TEACHER/", {"fields": "all"}, "fields"),
]


@pytest.mark.parametrize("path,params,parameter", BAD_PARAMETERS)
def test_malformed_parameters_are_400_naming_the_parameter(client, world, county, path, params, parameter):
    path = path.replace("TEACHER", f"/api/v1/teachers/{world.teacher_a1.pk}")
    error = error_of(api_get(client, county[1], path, params), 400)
    assert error["code"] == "invalid_parameter"
    assert parameter in error["detail"] and error["detail"][parameter][0]
    assert parameter in error["message"]
    entry = last_api_log()
    assert entry.status_code == 400 and entry.action == "refused" and entry.object_count == 0
    assert entry.teacher_id_ref is None  # refused before anything was read


def test_bad_check_character_message_is_clear_and_the_log_masks_the_number(client, county):
    bad = "11010119850314001X"
    error = error_of(api_get(client, county[1], "/api/v1/teachers/", {"id_number": bad}), 400)
    assert "校验" in error["detail"]["id_number"][0]
    entry = last_api_log()
    assert bad not in entry.path and "1101**********001X" in entry.path
    assert entry.subject == "1101**********001X"


def test_several_lookup_parameters_name_each(client, county):
    error = error_of(api_get(client, county[1], "/api/v1/teachers/", {"name": "李明", "certificate_number": "1"}), 400)
    assert set(error["detail"]) == {"name", "certificate_number"}


def test_unknown_endpoint_404_and_wrong_method_405_are_json_and_logged(client, county):
    error = error_of(api_get(client, county[1], "/api/v1/schools/"), 404)
    assert error["code"] == "not_found"
    assert last_api_log().status_code == 404
    assert error_of(api_get(client, county[1], "/api/v1/teachers/abc/"), 404)["code"] == "not_found"
    response = client.post("/api/v1/me/", {}, HTTP_AUTHORIZATION=f"Bearer {county[1]}")
    assert error_of(response, 405)["code"] == "method_not_allowed"
    assert last_api_log().status_code == 405
    assert client.get("/api/v1/me").status_code == 301  # the slash is added, as everywhere


def test_every_call_is_logged_once_with_status_and_never_a_full_id_number(client, world, county):
    _api_client, key = county
    calls = [
        api_get(client, key, "/api/v1/teachers/", {"id_number": world.id_a1}),
        api_get(client, key, "/api/v1/teachers/", {"id_number": world.id_b1}),
        api_get(client, key, f"/api/v1/teachers/{world.id_a1}/"),  # an ID number in the path
        api_get(client, key, "/api/v1/teachers/", {"id_number": world.id_a1[:-1] + "0", "x": world.id_a2}),
        api_get(client, None, "/api/v1/teachers/", {"id_number": world.id_a2}),
        api_get(client, key, f"/api/v1/teachers/{world.teacher_a1.pk}/hours/"),
    ]
    entries = list(AccessLog.objects.filter(channel="api").order_by("id"))
    assert [e.status_code for e in entries] == [c.status_code for c in calls]
    assert [c.status_code for c in calls][:2] + [c.status_code for c in calls][3:] == [200, 200, 400, 401, 200]
    assert calls[2].status_code in (403, 404)  # a number that is no teacher id, or not a number at all
    assert [e.action for e in entries] == ["query", "query", "refused", "refused", "refused", "query"]
    assert entries[0].path.startswith("/api/v1/teachers/?id_number=") and world.id_a1[-4:] in entries[0].path
    assert entries[1].object_count == 0 and entries[1].teacher_id_ref is None
    assert_no_full_id([world.id_a1, world.id_b1, world.id_a2, world.id_a1[:-1] + "0"])
    for call in calls:
        for number in (world.id_a1, world.id_b1, world.id_a2):
            assert number not in call.content.decode()


def test_last_used_is_written_at_most_once_a_minute(client, county):
    api_client, key = county
    api_get(client, key, "/api/v1/me/")
    api_client.refresh_from_db()
    first = api_client.last_used_at
    assert first is not None and (timezone.now() - first).total_seconds() < 5
    api_get(client, key, "/api/v1/me/")
    assert ApiClient.objects.get().last_used_at == first


def test_id_lookup_uses_few_queries(client, world, county, django_assert_max_num_queries):
    api_get(client, county[1], "/api/v1/me/")  # last_used written
    with django_assert_max_num_queries(8):
        response = api_get(client, county[1], "/api/v1/teachers/", {"id_number": world.id_a1})
    assert len(response.json()["results"]) == 1


def test_schema_lists_the_endpoints_the_key_scheme_and_errors(client, db):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    paths = schema["paths"]
    for path in (
        "/api/v1/me/", "/api/v1/teachers/", "/api/v1/teachers/{teacher_id}/", "/api/v1/teachers/{teacher_id}/certificates/",
        "/api/v1/teachers/{teacher_id}/hours/", "/api/v1/teachers/{teacher_id}/eligibility/", "/api/v1/certificates/{number}/",
    ):
        assert path in paths, path
    assert all(not path.startswith("/api/docs") for path in paths)
    schemes = schema["components"]["securitySchemes"]
    assert schemes["ApiKeyBearer"]["scheme"] == "bearer" and schemes["ApiKeyHeader"]["name"] == "X-Api-Key"
    lookup = paths["/api/v1/teachers/"]["get"]
    assert {"400", "401", "403", "429"} <= set(lookup["responses"])
    assert lookup["responses"]["401"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    assert {p["name"] for p in lookup["parameters"]} >= {"id_number", "name", "certificate_number", "page"}
    assert "sessionAuth" not in json.dumps(lookup.get("security", []))


def test_docs_pages_answer_from_local_static_files(client, db):
    for url in ("/api/docs/", "/api/redoc/"):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "/static/drf_spectacular_sidecar/" in page and "/api/schema/" in page
        assert "cdn." not in page and "unpkg" not in page
