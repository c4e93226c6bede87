"""xAPI statements from the H5P player: what is accepted, what is refused and with which message."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.h5p.xapi import MAX_STATEMENT_BYTES, StatementError, statement_parse

STATEMENT_ID = "3f2c9a1e-5b7d-4c8e-9f10-2a3b4c5d6e7f"


def h5p_statement() -> dict[str, Any]:
    """A statement shaped like the one H5P.TrueFalse 1.8 emits when answered, plus our "id"."""
    return {
        "id": STATEMENT_ID,
        "actor": {"name": "teacher-7", "mbox": "mailto:teacher-7@lms.invalid", "objectType": "Agent"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
        "object": {
            "id": "https://lms.example/h5p/activities/12/embed",
            "objectType": "Activity",
            "definition": {
                "extensions": {"http://h5p.org/x-api/h5p-local-content-id": 12},
                "name": {"en-US": "北京是中国的首都吗？"},
                "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                "interactionType": "true-false",
                "correctResponsesPattern": ["true"],
            },
        },
        "context": {
            "contextActivities": {
                "category": [{"id": "http://h5p.org/libraries/H5P.TrueFalse-1.8", "objectType": "Activity"}]
            },
        },
        "result": {
            "score": {"min": 0, "max": 1, "raw": 1, "scaled": 1},
            "completion": True,
            "success": True,
            "duration": "PT4.52S",
            "response": "true",
        },
    }


def encoded(statement: dict[str, Any]) -> bytes:
    return json.dumps(statement, ensure_ascii=False).encode()


def changed(path: str, value: Any) -> bytes:
    """The sample statement with the value at a dotted path replaced (or removed when value is DELETE)."""
    statement = copy.deepcopy(h5p_statement())
    *parents, last = path.split(".")
    node = statement
    for key in parents:
        node = node[key]
    if value is DELETE:
        del node[last]
    else:
        node[last] = value
    return encoded(statement)


DELETE = object()


def refusal(body: bytes) -> str:
    with translation.override("en"), pytest.raises(StatementError) as refused:
        statement_parse(body=body)
    return refused.value.message


# --- accepted ---------------------------------------------------------------------------------------


def test_a_true_false_answer_is_parsed_in_full():
    parsed, raw = statement_parse(body=encoded(h5p_statement()))

    assert raw == h5p_statement()
    assert parsed.statement_id == STATEMENT_ID
    assert parsed.actor_mbox == "mailto:teacher-7@lms.invalid"
    assert parsed.verb == "http://adlnet.gov/expapi/verbs/answered"
    assert parsed.verb_short == "answered"
    assert parsed.object_id == "https://lms.example/h5p/activities/12/embed"
    assert parsed.sub_content_id is None
    assert parsed.library == "H5P.TrueFalse"
    assert parsed.interaction_type == "true-false"
    assert parsed.response == "true"
    assert (parsed.raw_score, parsed.min_score, parsed.max_score, parsed.scaled) == (1, 0, 1, 1)
    assert all(isinstance(n, Decimal) for n in (parsed.raw_score, parsed.min_score, parsed.max_score, parsed.scaled))
    assert parsed.success is True and parsed.completion is True
    assert parsed.duration == "PT4.52S"
    assert parsed.has_parent is False
    assert parsed.scored is True


def test_the_statement_id_is_normalised_to_lower_case():
    parsed, _ = statement_parse(body=changed("id", STATEMENT_ID.upper()))
    assert parsed.statement_id == STATEMENT_ID


def test_fractional_scores_become_exact_decimals():
    statement = h5p_statement()
    statement["result"]["score"] = {"min": 0, "max": 3, "raw": 2.5, "scaled": 0.8333}
    parsed, _ = statement_parse(body=encoded(statement))
    assert parsed.raw_score == Decimal("2.5") and parsed.scaled == Decimal("0.8333")


def test_an_account_stands_in_for_a_missing_mbox():
    body = changed("actor", {"account": {"homePage": "https://lms.example", "name": "teacher-7"}})
    parsed, _ = statement_parse(body=body)
    assert parsed.actor_mbox == "account:teacher-7"


def test_an_interaction_without_a_result_is_not_scored():
    statement = h5p_statement()
    statement["verb"]["id"] = "http://adlnet.gov/expapi/verbs/interacted"
    del statement["result"]
    parsed, _ = statement_parse(body=encoded(statement))
    assert parsed.verb_short == "interacted"
    assert parsed.response is None and parsed.raw_score is None and parsed.success is None
    assert parsed.scored is False


def test_an_answer_without_a_maximum_is_not_scored():
    parsed, _ = statement_parse(body=changed("result.score", {"raw": 1}))
    assert parsed.scored is False


def test_a_completed_statement_with_a_score_is_scored():
    parsed, _ = statement_parse(body=changed("verb.id", "http://adlnet.gov/expapi/verbs/completed/"))
    assert parsed.verb_short == "completed" and parsed.scored is True


def test_sub_content_is_found_in_the_h5p_extension():
    statement = h5p_statement()
    statement["object"]["definition"]["extensions"]["http://h5p.org/x-api/h5p-subContentId"] = "a1b2-c3"
    statement["context"]["contextActivities"]["parent"] = [{"id": "https://lms.example/h5p/activities/12/embed"}]
    parsed, _ = statement_parse(body=encoded(statement))
    assert parsed.sub_content_id == "a1b2-c3"
    assert parsed.has_parent is True


def test_sub_content_is_found_in_the_object_id():
    body = changed("object.id", "https://lms.example/h5p/activities/12/embed?subContentId=9f8e-7d&x=1")
    parsed, _ = statement_parse(body=body)
    assert parsed.sub_content_id == "9f8e-7d"


def test_a_malformed_object_url_still_yields_its_sub_content_id():
    parsed, _ = statement_parse(body=changed("object.id", "http://[lms?subContentId=9f8e-7d#x"))
    assert parsed.sub_content_id == "9f8e-7d"


def test_a_single_category_object_names_the_library():
    body = changed("context.contextActivities.category", {"id": "https://h5p.org/libraries/H5P.MultiChoice-1.16"})
    parsed, _ = statement_parse(body=body)
    assert parsed.library == "H5P.MultiChoice"


@pytest.mark.parametrize(
    "category",
    [[], [{"id": "http://h5p.org/libraries/"}], [{"id": "http://example.org/libraries/H5P.Blanks-1.14"}]],
)
def test_no_library_when_no_category_names_one(category):
    parsed, _ = statement_parse(body=changed("context.contextActivities.category", category))
    assert parsed.library is None


def test_the_first_h5p_library_among_categories_counts():
    categories = [{"id": "http://example.org/topic/math"}, {"id": "http://h5p.org/libraries/H5P.Blanks-1.14"}]
    parsed, _ = statement_parse(body=changed("context.contextActivities.category", categories))
    assert parsed.library == "H5P.Blanks"


def test_a_response_of_exactly_4000_characters_is_accepted():
    parsed, _ = statement_parse(body=changed("result.response", "字" * 4000))
    assert parsed.response == "字" * 4000


# --- refused ----------------------------------------------------------------------------------------


def test_an_oversized_body_is_refused_before_it_is_decoded():
    assert refusal(b"\xff" * (MAX_STATEMENT_BYTES + 1)) == "The statement is larger than 32768 bytes."


@pytest.mark.parametrize("body", [b"\xff\xfe{}", b"{", b"", b'{"id": NaN}', b'{"a": Infinity}', b"{'a': 1}"])
def test_what_is_not_utf8_json_is_refused(body):
    assert refusal(body) == "The statement is not valid UTF-8 JSON."


@pytest.mark.parametrize("body", [b"[]", b'"statement"', b"1", b"null"])
def test_a_statement_must_be_an_object(body):
    assert refusal(body) == "The statement must be a JSON object."


def test_a_repeated_key_is_refused():
    body = encoded(h5p_statement())[:-1] + b', "id": "00000000-0000-0000-0000-000000000000"}'
    assert refusal(body) == "The statement repeats a key inside one JSON object."


def nested_extension(lists: int) -> bytes:
    """The statement with a value `lists` arrays deep under object.definition.extensions (itself at depth 4)."""
    statement = h5p_statement()
    nested: Any = 1
    for _ in range(lists):
        nested = [nested]
    statement["object"]["definition"]["extensions"]["x:deep"] = nested
    return encoded(statement)


def test_nesting_up_to_20_levels_is_accepted():
    statement_parse(body=nested_extension(15))  # the innermost 1 sits at depth 4 + 15 + 1 = 20


def test_nesting_deeper_than_20_levels_is_refused():
    assert refusal(nested_extension(16)) == "The statement is nested more than 20 levels deep."


def test_nesting_that_would_exhaust_the_json_parser_is_refused():
    assert refusal(b"[" * 10_000 + b"]" * 10_000) == "The statement is nested more than 20 levels deep."


@pytest.mark.parametrize("escape", [rb"\u0000", rb"\ud800", rb"\udfff x"])
def test_text_that_postgresql_cannot_store_is_refused(escape):
    for body in (
        encoded(h5p_statement()).replace(b'"response": "true"', b'"response": "' + escape + b'"'),
        encoded(h5p_statement()).replace(b'"objectType": "Agent"', b'"' + escape + b'": "Agent"'),
    ):
        assert refusal(body) == "The statement contains a NUL character or an unpaired surrogate."


def test_a_surrogate_pair_is_a_character_not_a_problem():
    body = encoded(h5p_statement()).replace(b'"response": "true"', b'"response": "\\ud83d\\ude00"')
    parsed, _ = statement_parse(body=body)
    assert parsed.response == "\U0001F600"


def count_values(value: Any) -> int:
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return 1 + sum(count_values(child) for child in children)


def test_up_to_2000_values_are_accepted_and_more_refused():
    statement = h5p_statement()
    statement["object"]["definition"]["extensions"]["x:many"] = []
    filler = 2000 - count_values(statement)
    statement["object"]["definition"]["extensions"]["x:many"] = [0] * filler
    statement_parse(body=encoded(statement))

    statement["object"]["definition"]["extensions"]["x:many"].append(0)
    assert refusal(encoded(statement)) == "The statement holds more than 2000 JSON values."


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("id", DELETE, "The statement has no id."),
        ("id", "not-a-uuid", "The statement id must be a UUID."),
        ("id", 42, "The statement id must be a UUID."),
        ("id", "{" + STATEMENT_ID + "}", "The statement id must be a UUID."),
        ("id", STATEMENT_ID + "\n", "The statement id must be a UUID."),
        ("actor", DELETE, "The statement has no actor."),
        ("actor", "teacher-7", "actor must be a JSON object."),
        ("actor", {"name": "teacher-7"}, "The actor has neither an mbox nor an account name."),
        ("actor", {"account": {"name": " "}}, "The actor has neither an mbox nor an account name."),
        ("actor.mbox", "teacher-7@lms.invalid", "actor.mbox must be a mailto: address."),
        ("verb", DELETE, "The statement has no verb."),
        ("verb.id", DELETE, "The statement has no verb.id."),
        ("verb.id", "answered", "verb.id must be an IRI."),
        ("object", DELETE, "The statement has no object."),
        ("object.id", DELETE, "The statement has no object.id."),
        ("object.id", "", "The statement has no object.id."),
        ("object.id", ["x:y"], "object.id must be an IRI."),
        ("object.definition", [], "object.definition must be a JSON object."),
        ("object.definition.interactionType", 3, "object.definition.interactionType must be a string."),
        ("context.contextActivities.parent", ["x"], "context.contextActivities.parent must hold activity objects."),
        ("result", "passed", "result must be a JSON object."),
        ("result.score.raw", "1", "result.score.raw must be a number."),
        ("result.score.raw", True, "result.score.raw must be a number."),
        ("result.score.raw", 2, "result.score.raw is greater than result.score.max."),
        ("result.score.raw", -1, "result.score.raw is less than result.score.min."),
        ("result.score.max", -1, "result.score.max must not be negative."),
        ("result.score.max", 10_001, "result.score.max must be between -10000 and 10000."),
        ("result.score.scaled", 1.5, "result.score.scaled must be between -1 and 1."),
        ("result.score.scaled", -1.01, "result.score.scaled must be between -1 and 1."),
        ("result.response", 1, "result.response must be a string."),
        ("result.response", ["true"], "result.response must be a string."),
        ("result.response", "x" * 4001, "result.response is longer than 4000 characters."),
        ("result.success", "yes", "result.success must be true or false."),
        ("result.completion", 1, "result.completion must be true or false."),
        ("result.duration", "4.52 seconds", "result.duration must be an ISO 8601 duration."),
        ("result.duration", "PT", "result.duration must be an ISO 8601 duration."),
    ],
)
def test_a_malformed_statement_is_refused_with_a_clear_message(path, value, message):
    assert refusal(changed(path, value)) == message


def test_an_infinite_score_is_refused():
    body = encoded(h5p_statement()).replace(b'"raw": 1', b'"raw": 1e400')
    assert refusal(body) == "result.score.raw must be a finite number."


def test_a_huge_integer_score_is_refused():
    body = encoded(h5p_statement()).replace(b'"max": 1', b'"max": ' + b"9" * 400)
    assert refusal(body) == "result.score.max must be between -10000 and 10000."


def test_a_refusal_is_a_value_error_with_a_stable_code():
    with pytest.raises(ValueError) as refused:
        statement_parse(body=b"[]")
    assert isinstance(refused.value, StatementError)
    assert refused.value.code == "not_object"


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(
    path=st.sampled_from(["id", "actor", "actor.mbox", "verb", "verb.id", "object", "object.id", "object.definition",
                          "context", "context.contextActivities", "context.contextActivities.category", "result",
                          "result.score", "result.score.raw", "result.score.max", "result.response"]),
    value=JSON_VALUES,
)
def test_any_value_anywhere_is_parsed_or_refused_with_a_statement_error(path, value):
    try:
        statement_parse(body=changed(path, value))
    except StatementError as refused:
        assert refused.message


@settings(max_examples=300, deadline=None)
@given(body=st.binary(max_size=200))
def test_arbitrary_bytes_are_refused_with_a_statement_error(body):
    with pytest.raises(StatementError):
        statement_parse(body=body)
