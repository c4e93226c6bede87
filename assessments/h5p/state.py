"""The player's saved state per teacher and activity (where they left off), restored on return."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from assessments.models import H5PUserState

MAX_STATE_CHARS = 64 * 1024


def h5p_state_get(*, activity_id: int, teacher_id: int, data_type: str, sub_content_id: str) -> str | None:
    return H5PUserState.objects.filter(
        activity_id=activity_id, teacher_id=teacher_id, data_type=data_type[:40], sub_content_id=sub_content_id[:64] or "0"
    ).values_list("data", flat=True).first()


def h5p_state_save(
    *, activity_id: int, teacher_id: int, data_type: str, sub_content_id: str, data: str | None
) -> None:
    """Save (or, with data None / "0", clear) the state; the player sends it every few seconds."""
    if not data_type or len(data_type) > 40 or len(sub_content_id) > 64:
        raise ValidationError(_("The saved state is not addressed correctly."))
    keys: dict[str, Any] = {"activity_id": activity_id, "teacher_id": teacher_id, "data_type": data_type, "sub_content_id": sub_content_id or "0"}
    if data is None or data == "0":
        H5PUserState.objects.filter(**keys).delete()
        return
    if len(data) > MAX_STATE_CHARS:
        raise ValidationError(_("The saved state is too large."))
    H5PUserState.objects.update_or_create(**keys, defaults={"data": data})
