"""xAPI statements from the H5P player: parsed and checked strictly before anything believes them.

The player posts `event.data.statement` of each H5P 'xAPI' event, with an "id" (a UUID our player
script adds; it is the replay key). A statement that is too big, not JSON, pathologically nested or
shaped unlike an xAPI statement is refused with a StatementError whose message says why.
The score in a statement is only evidence: assessments.h5p.scoring recomputes it where it can.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

MAX_STATEMENT_BYTES = 32 * 1024
MAX_DEPTH = 20
MAX_VALUES = 2_000
MAX_RESPONSE_CHARS = 4_000
MAX_SCORE = Decimal(10_000)
MAX_IRI_CHARS = 2_048

SUB_CONTENT_EXTENSION = "http://h5p.org/x-api/h5p-subContentId"
SCORED_VERBS = frozenset({"answered", "completed"})

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+")
_LIBRARY = re.compile(r"https?://h5p\.org/libraries/([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)-\d+\.\d+")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")  # PostgreSQL text and jsonb take neither
_SUB_CONTENT_QUERY = re.compile(r"[?&]subContentId=([^&#]+)")
_DURATION = re.compile(
    r"P(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?"
)


class StatementError(ValueError):
    """A statement refused; `message` is a translated sentence for the user and the log, `code` is stable."""

    def __init__(self, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class ParsedStatement:
    statement_id: str
    actor_mbox: str
    verb: str
    verb_short: str
    object_id: str
    sub_content_id: str | None
    library: str | None
    interaction_type: str | None
    response: str | None
    raw_score: Decimal | None
    min_score: Decimal | None
    max_score: Decimal | None
    scaled: Decimal | None
    success: bool | None
    completion: bool | None
    duration: str | None
    has_parent: bool

    @property
    def scored(self) -> bool:
        return self.verb_short in SCORED_VERBS and self.raw_score is not None and self.max_score is not None


def statement_parse(*, body: bytes) -> tuple[ParsedStatement, dict[str, Any]]:
    """Return the parsed statement and the decoded JSON object as received, or raise StatementError."""
    statement = _decode(body)
    statement_id = _statement_id(statement.get("id"))
    actor = _object(statement.get("actor"), "actor", required=True)
    verb = _object(statement.get("verb"), "verb", required=True)
    activity = _object(statement.get("object"), "object", required=True)
    definition = _object(activity.get("definition"), "object.definition")
    result = _object(statement.get("result"), "result")
    context = _object(statement.get("context"), "context")
    context_activities = _object(context.get("contextActivities"), "context.contextActivities")

    verb_id = _iri(verb.get("id"), "verb.id")
    object_id = _iri(activity.get("id"), "object.id")
    raw, minimum, maximum, scaled = _scores(_object(result.get("score"), "result.score"))
    parsed = ParsedStatement(
        statement_id=statement_id,
        actor_mbox=_actor(actor),
        verb=verb_id,
        verb_short=verb_id.rstrip("/").rsplit("/", 1)[-1],
        object_id=object_id,
        sub_content_id=_sub_content_id(definition, object_id),
        library=_library(_activities(context_activities, "category")),
        interaction_type=_optional_str(definition.get("interactionType"), "object.definition.interactionType"),
        response=_response(result.get("response")),
        raw_score=raw,
        min_score=minimum,
        max_score=maximum,
        scaled=scaled,
        success=_optional_bool(result.get("success"), "result.success"),
        completion=_optional_bool(result.get("completion"), "result.completion"),
        duration=_duration(result.get("duration")),
        has_parent=bool(_activities(context_activities, "parent")),
    )
    return parsed, statement


def _decode(body: bytes) -> dict[str, Any]:
    if len(body) > MAX_STATEMENT_BYTES:
        raise StatementError(
            _("The statement is larger than %(limit)d bytes.") % {"limit": MAX_STATEMENT_BYTES}, "too_large"
        )
    try:
        decoded = json.loads(body.decode("utf-8"), object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant)
    except RecursionError as deep:
        raise _too_deep() from deep
    except _DuplicateKey as duplicate:
        raise StatementError(_("The statement repeats a key inside one JSON object."), "duplicate_key") from duplicate
    except ValueError as bad:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise StatementError(_("The statement is not valid UTF-8 JSON."), "not_json") from bad
    if not isinstance(decoded, dict):
        raise StatementError(_("The statement must be a JSON object."), "not_object")
    _check_shape(decoded)
    return decoded


class _DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    decoded = dict(pairs)
    if len(decoded) != len(pairs):
        raise _DuplicateKey  # two readers of one statement must never see two different values
    return decoded


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _too_deep() -> StatementError:
    message = _("The statement is nested more than %(limit)d levels deep.") % {"limit": MAX_DEPTH}
    return StatementError(message, "too_deep")


def _check_shape(statement: dict[str, Any]) -> None:
    """Bound depth and size level by level (no recursion), and keep out text the database cannot store."""
    texts: list[str] = []
    level: list[Any] = [statement]
    depth = count = 0
    while level:
        depth += 1
        count += len(level)
        if depth > MAX_DEPTH:
            raise _too_deep()
        if count > MAX_VALUES:
            message = _("The statement holds more than %(limit)d JSON values.") % {"limit": MAX_VALUES}
            raise StatementError(message, "too_many_values")
        below: list[Any] = []
        for value in level:
            if type(value) is str:
                texts.append(value)
            elif type(value) is dict:
                texts.extend(value)
                below.extend(value.values())
            elif type(value) is list:
                below.extend(value)
        level = below
    if _UNSTORABLE.search("".join(texts)):
        raise StatementError(_("The statement contains a NUL character or an unpaired surrogate."), "unstorable")


def _object(value: Any, field: str, *, required: bool = False) -> dict[str, Any]:
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        if value is None:
            raise StatementError(_("The statement has no %(field)s.") % {"field": field}, "missing")
        raise StatementError(_("%(field)s must be a JSON object.") % {"field": field}, "wrong_type")
    return value


def _optional_str(value: Any, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise StatementError(_("%(field)s must be a string.") % {"field": field}, "wrong_type")
    return value


def _optional_bool(value: Any, field: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise StatementError(_("%(field)s must be true or false.") % {"field": field}, "wrong_type")


def _statement_id(value: Any) -> str:
    if value is None:
        raise StatementError(_("The statement has no id."), "missing")
    if not isinstance(value, str) or not _UUID.fullmatch(value):
        raise StatementError(_("The statement id must be a UUID."), "bad_id")
    return value.lower()


def _iri(value: Any, field: str) -> str:
    if value is None or value == "":
        raise StatementError(_("The statement has no %(field)s.") % {"field": field}, "missing")
    if not isinstance(value, str) or len(value) > MAX_IRI_CHARS or not _IRI.fullmatch(value):
        raise StatementError(_("%(field)s must be an IRI.") % {"field": field}, "bad_iri")
    return value


def _actor(actor: dict[str, Any]) -> str:
    mbox = actor.get("mbox")
    if mbox is not None:
        if not isinstance(mbox, str) or not mbox.startswith("mailto:") or "@" not in mbox or len(mbox) > 320:
            raise StatementError(_("actor.mbox must be a mailto: address."), "bad_actor")
        return mbox
    account = actor.get("account")
    name = account.get("name") if isinstance(account, dict) else None
    if not isinstance(name, str) or not name.strip() or len(name) > 255:
        raise StatementError(_("The actor has neither an mbox nor an account name."), "bad_actor")
    return f"account:{name}"


def _sub_content_id(definition: dict[str, Any], object_id: str) -> str | None:
    extensions = _object(definition.get("extensions"), "object.definition.extensions")
    from_extension = _optional_str(extensions.get(SUB_CONTENT_EXTENSION), "the H5P sub-content id")
    if from_extension:
        return from_extension
    found = _SUB_CONTENT_QUERY.search(object_id)  # not urlsplit: it raises on a malformed host like "[x"
    return found.group(1) if found else None


def _activities(context_activities: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """xAPI allows one activity object or a list of them under each contextActivities key."""
    value = context_activities.get(key)
    if value is None:
        return []
    listed = value if isinstance(value, list) else [value]
    if not all(isinstance(item, dict) for item in listed):
        field = f"context.contextActivities.{key}"
        raise StatementError(_("%(field)s must hold activity objects.") % {"field": field}, "wrong_type")
    return listed


def _library(categories: list[dict[str, Any]]) -> str | None:
    for category in categories:
        category_id = category.get("id")
        found = _LIBRARY.fullmatch(category_id) if isinstance(category_id, str) else None
        if found:
            return found.group(1)
    return None


def _response(value: Any) -> str | None:
    response = _optional_str(value, "result.response")
    if response is not None and len(response) > MAX_RESPONSE_CHARS:
        raise StatementError(
            _("result.response is longer than %(limit)d characters.") % {"limit": MAX_RESPONSE_CHARS}, "too_long"
        )
    return response


def _duration(value: Any) -> str | None:
    duration = _optional_str(value, "result.duration")
    if duration is not None and (len(duration) > 64 or not _DURATION.fullmatch(duration)):
        raise StatementError(_("result.duration must be an ISO 8601 duration."), "bad_duration")
    return duration


def _number(value: Any, field: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise StatementError(_("%(field)s must be a number.") % {"field": field}, "bad_score")
    if isinstance(value, float) and not math.isfinite(value):  # 1e400 decodes to inf
        raise StatementError(_("%(field)s must be a finite number.") % {"field": field}, "bad_score")
    number = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
    if abs(number) > MAX_SCORE:
        raise StatementError(
            _("%(field)s must be between -%(limit)s and %(limit)s.") % {"field": field, "limit": MAX_SCORE},
            "bad_score",
        )
    return number


def _scores(score: dict[str, Any]) -> tuple[Decimal | None, Decimal | None, Decimal | None, Decimal | None]:
    raw = _number(score.get("raw"), "result.score.raw")
    minimum = _number(score.get("min"), "result.score.min")
    maximum = _number(score.get("max"), "result.score.max")
    scaled = _number(score.get("scaled"), "result.score.scaled")
    if maximum is not None and maximum < 0:
        raise StatementError(_("result.score.max must not be negative."), "bad_score")
    if raw is not None and maximum is not None and raw > maximum:
        raise StatementError(_("result.score.raw is greater than result.score.max."), "bad_score")
    if raw is not None and minimum is not None and raw < minimum:
        raise StatementError(_("result.score.raw is less than result.score.min."), "bad_score")
    if minimum is not None and maximum is not None and minimum > maximum:
        raise StatementError(_("result.score.min is greater than result.score.max."), "bad_score")
    if scaled is not None and not -1 <= scaled <= 1:
        raise StatementError(_("result.score.scaled must be between -1 and 1."), "bad_score")
    return raw, minimum, maximum, scaled
