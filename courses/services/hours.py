"""Writes on the hours ledger: awards and reversals, idempotent and append-only."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from courses.models import HoursEntry, HoursKind, HoursPolicy, HoursSource
from lms.api import teachers_visible_to, user_can_manage_roster, user_has_role, user_is_read_only, Role

MAX_HOURS_PER_ENTRY = Decimal(200)
FIRST_YEAR = 1990


def _hours(value: object) -> Decimal:
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"hours": _("Hours must be a number.")}) from None
    if not hours.is_finite():
        raise ValidationError({"hours": _("Hours must be a number.")})
    if hours != hours.quantize(Decimal("0.1")):
        raise ValidationError({"hours": _("Hours take at most one decimal place.")})
    if hours <= 0:
        raise ValidationError({"hours": _("Hours must be more than 0.")})
    if hours > MAX_HOURS_PER_ENTRY:
        raise ValidationError(
            {"hours": _("At most %(max)s hours per entry.") % {"max": MAX_HOURS_PER_ENTRY}}
        )
    return hours.quantize(Decimal("0.1"))


def hours_entry_validate(*, hours: object, kind: str, year: object) -> tuple[Decimal, str, int]:
    """The checks every award passes; returns the cleaned (hours, kind, year)."""
    cleaned_hours = _hours(hours)
    if kind not in HoursKind.values:
        raise ValidationError({"kind": _("Unknown kind of hours: %(kind)s") % {"kind": kind}})
    try:
        cleaned_year = int(str(year).strip())
    except (TypeError, ValueError):
        raise ValidationError({"year": _("The year must be a whole number.")}) from None
    last_year = timezone.localdate().year + 1
    if not FIRST_YEAR <= cleaned_year <= last_year:
        raise ValidationError(
            {"year": _("The year must lie between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": last_year}}
        )
    return cleaned_hours, kind, cleaned_year


def _same_award(entry: HoursEntry, *, teacher_id: int, hours: Decimal, kind: str, year: int) -> bool:
    return (entry.teacher_id, entry.hours, entry.kind, entry.year) == (teacher_id, hours, kind, year)


def _existing(idempotency_key: str, **award: object) -> HoursEntry:
    entry = HoursEntry.objects.get(idempotency_key=idempotency_key)
    if not _same_award(entry, **award):  # type: ignore[arg-type]
        raise ValidationError(_("This award key was already used for different hours."))
    return entry


def hours_award(
    *,
    teacher_id: int,
    hours: object,
    kind: str,
    year: object,
    source_type: str,
    source_ref: str,
    idempotency_key: str,
    recognised_by: User | None,
    note: str = "",
    source_label: str = "",
) -> HoursEntry:
    """Append one award; the same idempotency key always yields the one entry first written."""
    cleaned_hours, kind, cleaned_year = hours_entry_validate(hours=hours, kind=kind, year=year)
    if source_type not in HoursSource.values:
        raise ValidationError({"source_type": _("Unknown source type: %(source)s") % {"source": source_type}})
    if not idempotency_key:
        raise ValidationError(_("An award needs an idempotency key."))
    award = {"teacher_id": teacher_id, "hours": cleaned_hours, "kind": kind, "year": cleaned_year}
    if HoursEntry.objects.filter(idempotency_key=idempotency_key).exists():
        return _existing(idempotency_key, **award)
    entry = HoursEntry(
        teacher_id=teacher_id,
        hours=cleaned_hours,
        kind=kind,
        year=cleaned_year,
        source_type=source_type,
        source_ref=source_ref[:200],
        source_label=source_label[:200],
        idempotency_key=idempotency_key,
        recognised_by=recognised_by if recognised_by is not None and recognised_by.is_authenticated else None,
        note=note[:500],
    )
    # The unique constraint, not this check, is what keeps a concurrent duplicate out.
    entry.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        return _existing(idempotency_key, **award)
    return entry


def hours_reverse(*, entry: HoursEntry, reason: str, by: User | None) -> HoursEntry:
    """Cancel an entry with a reversing one; a reversal itself is never reversed, nor an entry twice."""
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("Say why the entry is reversed.")})
    if entry.reverses_id is not None:
        raise ValidationError(_("A reversal cannot itself be reversed."))
    if HoursEntry.objects.filter(reverses=entry).exists():
        raise ValidationError(_("This entry has already been reversed."))
    reversal = HoursEntry(
        teacher_id=entry.teacher_id,
        hours=-entry.hours,
        kind=entry.kind,
        year=entry.year,
        source_type=entry.source_type,
        source_ref=entry.source_ref,
        source_label=entry.source_label,
        idempotency_key=f"reversal:{entry.pk}",
        recognised_by=by if by is not None and by.is_authenticated else None,
        note=reason[:500],
        reverses=entry,
    )
    try:
        with transaction.atomic():
            reversal.save()
            log(instance=reversal, action="courses.hours_reverse", user=reversal.recognised_by,
                data={"reverses": entry.pk, "teacher": entry.teacher_id, "hours": str(entry.hours), "reason": reason})
    except IntegrityError:
        raise ValidationError(_("This entry has already been reversed.")) from None
    return reversal


# Administrators acting through the pages: permission and jurisdiction first, then the plain service.


def user_can_record_hours(*, user: User | AnonymousUser) -> bool:
    return user_can_manage_roster(user=user) and not user_is_read_only(user=user)


def _require_recorder(user: User | AnonymousUser, teacher_id: int) -> None:
    if not user_can_record_hours(user=user):
        raise PermissionDenied(_("Only administrators may record or reverse hours."))
    if not teachers_visible_to(user).filter(pk=teacher_id).exists():
        raise PermissionDenied(_("This teacher is outside your jurisdiction."))


def hours_recognise_by_admin(
    *, actor: User, teacher_id: int, hours: object, kind: str, year: object, note: str, request_key: str
) -> HoursEntry:
    """An administrator records a recognised activity (学时认定); request_key makes a resubmitted form harmless."""
    _require_recorder(actor, teacher_id)
    if not (note or "").strip():
        raise ValidationError({"note": _("Say what activity is recognised.")})
    return hours_award(
        teacher_id=teacher_id,
        hours=hours,
        kind=kind,
        year=year,
        source_type=HoursSource.MANUAL,
        source_ref="manual",
        idempotency_key=f"manual:{request_key}",
        recognised_by=actor,
        note=note.strip(),
    )


def hours_reverse_by_admin(*, actor: User, entry: HoursEntry, reason: str) -> HoursEntry:
    _require_recorder(actor, entry.teacher_id)
    return hours_reverse(entry=entry, reason=reason, by=actor)


def user_can_edit_hours_policy(*, user: User | AnonymousUser) -> bool:
    return user_has_role(user=user, roles=[Role.PROVINCE_ADMIN])


@transaction.atomic
def hours_policy_publish(*, actor: User, policy: HoursPolicy) -> HoursPolicy:
    """Save an unsaved policy as the next version; versions already used are never edited."""
    if not user_can_edit_hours_policy(user=actor):
        raise PermissionDenied(_("Only province administrators may change the hour rules."))
    if policy.pk is not None:
        raise ValidationError(_("A published policy is not edited; publish a new version."))
    last = HoursPolicy.objects.select_for_update().order_by("-version").first()
    policy.version = (last.version + 1) if last is not None else 1
    policy.created_by = actor
    policy.full_clean()
    policy.save()
    return policy
