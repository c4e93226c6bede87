"""Writes of enrolment: a teacher enrols or withdraws; administrators run cohorts (培训班).

Self-enrolment takes a seat and must fall inside the course's window; a cohort an administrator
arranges takes no seat and ignores the window. Both need a published course (live and filed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from courses import log_actions_enrolment  # noqa: F401 - registers the log actions used below
from courses.models import Cohort, CoursePage, Enrolment, EnrolmentStatus
from courses.selectors.catalog import courses_published
from courses.selectors.cohorts import (
    COHORT_ADMIN_ROLES,
    cohort_tutor_candidates,
    user_can_manage_cohort,
    user_can_manage_organisation_cohorts,
)
from courses.selectors.enrolment import course_seats_taken
from lms.api import Organisation, OrganisationKind, Teacher, teacher_for_user, teachers_visible_to, user_is_read_only
from lms.vocab import EmploymentStatus

UserLike = User | AnonymousUser


@dataclass(frozen=True)
class CohortEnrolResult:
    """What a cohort enrolment did: new rows, withdrawn rows re-activated, and teachers already enrolled."""

    enrolled: int = 0
    reactivated: int = 0
    already_enrolled: int = 0
    already_names: list[str] = field(default_factory=list)

    @property
    def added(self) -> int:
        return self.enrolled + self.reactivated


# ---- self-enrolment ---------------------------------------------------------------------------


def _require_teacher(user: UserLike) -> Teacher:
    teacher = teacher_for_user(user=user)
    if teacher is None:
        raise ValidationError(_("Only teachers can enrol in courses."))
    return teacher


def _require_published(course: CoursePage) -> None:
    if not courses_published().filter(pk=course.pk).exists():
        raise ValidationError(_("This course has not been approved yet."))


def _require_window(course: CoursePage, now: dt.datetime) -> None:
    if course.enrol_opens_at is not None and now < course.enrol_opens_at:
        opens = timezone.localtime(course.enrol_opens_at).strftime("%Y-%m-%d %H:%M")
        raise ValidationError(_("Enrolment has not opened yet; it opens at %(opens)s.") % {"opens": opens})
    if course.enrol_closes_at is not None and now >= course.enrol_closes_at:
        raise ValidationError(_("Enrolment has closed."))


def _require_prerequisites(course: CoursePage, teacher: Teacher) -> None:
    completed = Enrolment.objects.filter(teacher=teacher, status=EnrolmentStatus.COMPLETED).values("course_id")
    missing = list(course.prerequisites.exclude(pk__in=completed).order_by("title").values_list("title", flat=True))
    if missing:
        raise ValidationError(
            _("Complete the prerequisite courses first: %(courses)s.") % {"courses": "、".join(missing)}
        )


def _require_seat(course: CoursePage) -> None:
    if course.seats is not None and course_seats_taken(course=course) >= course.seats:
        raise ValidationError(_("No seats are left in this course."))


def _already_enrolled_error() -> ValidationError:
    return ValidationError(_("You are already enrolled in this course."))


def enrolment_self(*, user: UserLike, course: CoursePage) -> Enrolment:
    """A teacher enrols in a published course inside its window while seats remain; refusals write nothing."""
    teacher = _require_teacher(user)
    assert isinstance(user, User)
    try:
        with transaction.atomic():
            # The course row lock serialises enrolments in this course: the last seat goes to one teacher only.
            locked = CoursePage.objects.select_for_update(of=("self",)).get(pk=course.pk)
            _require_published(locked)
            existing = Enrolment.objects.select_for_update().filter(teacher=teacher, course=locked).first()
            if existing is not None and existing.status != EnrolmentStatus.WITHDRAWN:
                raise _already_enrolled_error()
            now = timezone.now()
            _require_window(locked, now)
            _require_prerequisites(locked, teacher)
            _require_seat(locked)
            enrolment = existing or Enrolment(teacher=teacher, course=locked)
            enrolment.status = EnrolmentStatus.ACTIVE
            enrolment.cohort = None
            enrolment.enrolled_at = now
            enrolment.enrolled_by = user
            enrolment.withdrawn_at = None
            enrolment.completed_at = None
            enrolment.save()
            log(instance=enrolment, action="courses.enrol", user=user, data={"course": locked.pk})
    except IntegrityError as exc:  # a cohort enrolled the teacher at the same moment
        raise _already_enrolled_error() from exc
    return enrolment


def enrolment_withdraw(*, user: UserLike, course: CoursePage) -> Enrolment:
    """The teacher leaves a course they study in; the seat is freed, the progress rows stay for a return."""
    teacher = _require_teacher(user)
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().filter(teacher=teacher, course=course).first()
        if enrolment is None or enrolment.status == EnrolmentStatus.WITHDRAWN:
            raise ValidationError(_("You have not enrolled in this course."))
        if enrolment.status == EnrolmentStatus.COMPLETED:
            raise ValidationError(_("A completed course cannot be withdrawn from."))
        if enrolment.cohort_id is not None:
            # The administrator who arranged the cohort decides who leaves it.
            raise ValidationError(
                _("You were enrolled through the cohort “%(cohort)s”; ask its administrator to remove you.")
                % {"cohort": enrolment.cohort.name if enrolment.cohort else ""}
            )
        _withdraw(enrolment)
        log(instance=enrolment, action="courses.withdraw", user=user, data={"course": course.pk})
    return enrolment


def _withdraw(enrolment: Enrolment) -> None:
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.withdrawn_at = timezone.now()
    enrolment.save(update_fields=["status", "withdrawn_at"])


# ---- cohorts ----------------------------------------------------------------------------------


def _require_cohort_admin(actor: UserLike) -> None:
    if user_is_read_only(user=actor):
        raise PermissionDenied(_("Personnel officers can view cohorts but not change them."))


def _require_manager(actor: UserLike, cohort: Cohort) -> None:
    _require_cohort_admin(actor)
    if not user_can_manage_cohort(user=actor, cohort=cohort):
        raise PermissionDenied(_("This cohort is run outside your jurisdiction."))


def _require_tutors_allowed(actor: UserLike, tutors: Iterable[User]) -> list[User]:
    tutors = list(tutors)
    allowed = set(cohort_tutor_candidates(actor=actor).filter(pk__in=[t.pk for t in tutors]).values_list("pk", flat=True))
    refused = [t.get_username() for t in tutors if t.pk not in allowed]
    if refused:
        raise ValidationError(
            _("A tutor must be a reviewer or an administrator inside your jurisdiction: %(users)s.")
            % {"users": "、".join(refused)}
        )
    return tutors


@transaction.atomic
def cohort_create(
    *,
    actor: UserLike,
    course: CoursePage,
    organisation: Organisation,
    name: str,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    tutors: Iterable[User] = (),
) -> Cohort:
    """An administrator opens a cohort for a published course, run by a node of their jurisdiction."""
    _require_cohort_admin(actor)
    if not user_can_manage_organisation_cohorts(user=actor, organisation=organisation):
        raise PermissionDenied(_("You can only run cohorts inside your jurisdiction."))
    if organisation.kind == OrganisationKind.INSTITUTION:
        raise ValidationError(_("A cohort is run by a school or an education bureau."))
    _require_published(course)
    if not (name or "").strip():
        raise ValidationError({"name": _("Give the cohort a name.")})
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("A cohort cannot end before it starts.")})
    tutor_list = _require_tutors_allowed(actor, tutors)
    assert isinstance(actor, User)
    cohort = Cohort(
        name=name.strip(), course=course, organisation=organisation, starts_on=starts_on, ends_on=ends_on,
        created_by=actor,
    )
    cohort.full_clean()
    cohort.save()
    cohort.tutors.set(tutor_list)
    log(instance=cohort, action="courses.cohort_create", user=actor, data={"course": course.pk})
    return cohort


def _cohort_candidates(actor: UserLike, cohort: Cohort) -> QuerySet[Teacher]:
    """Teachers in post, visible to the actor, at schools under the node that runs the cohort."""
    return teachers_visible_to(actor).filter(
        school__path__startswith=cohort.organisation.path, employment_status=EmploymentStatus.ACTIVE
    )


def _enrol_set(actor: User, cohort: Cohort, teacher_ids: list[int]) -> CohortEnrolResult:
    """Set-based: one query finds who is enrolled already, one update re-activates, one bulk insert adds."""
    # Serialise with self-enrolment in the same course, so the unique constraint is never hit mid-batch.
    CoursePage.objects.select_for_update(of=("self",)).get(pk=cohort.course_id)
    existing = dict(
        Enrolment.objects.filter(course_id=cohort.course_id, teacher_id__in=teacher_ids).values_list("teacher_id", "id")
    )
    withdrawn = list(
        Enrolment.objects.filter(id__in=existing.values(), status=EnrolmentStatus.WITHDRAWN).values_list("id", flat=True)
    )
    now = timezone.now()
    reactivated = Enrolment.objects.filter(id__in=withdrawn).update(
        status=EnrolmentStatus.ACTIVE, cohort=cohort, enrolled_at=now, enrolled_by=actor,
        withdrawn_at=None, completed_at=None,
    )
    new = [
        Enrolment(teacher_id=tid, course_id=cohort.course_id, cohort=cohort, enrolled_at=now, enrolled_by=actor)
        for tid in teacher_ids if tid not in existing
    ]
    Enrolment.objects.bulk_create(new, batch_size=1000)
    withdrawn_ids = set(withdrawn)
    already_ids = [eid for eid in existing.values() if eid not in withdrawn_ids]
    names = list(
        Enrolment.objects.filter(id__in=already_ids[:20]).order_by("teacher__real_name")
        .values_list("teacher__real_name", flat=True)
    )
    result = CohortEnrolResult(
        enrolled=len(new), reactivated=reactivated, already_enrolled=len(already_ids), already_names=names
    )
    log(
        instance=cohort, action="courses.cohort_enrol", user=actor,
        data={"enrolled": result.enrolled, "reactivated": result.reactivated, "already": result.already_enrolled},
    )
    return result


def _cohort_ready(actor: UserLike, cohort: Cohort) -> User:
    _require_manager(actor, cohort)
    _require_published(cohort.course)
    assert isinstance(actor, User)
    return actor


@transaction.atomic
def cohort_enrol_teachers(*, actor: UserLike, cohort: Cohort, teachers: Iterable[Teacher | int]) -> CohortEnrolResult:
    """Enrol the chosen teachers; any outside the actor's reach refuses the whole request."""
    user = _cohort_ready(actor, cohort)
    wanted = {t if isinstance(t, int) else t.pk for t in teachers}
    if not wanted:
        raise ValidationError(_("Choose at least one teacher."))
    reachable = set(_cohort_candidates(actor, cohort).filter(pk__in=wanted).values_list("pk", flat=True))
    if len(reachable) < len(wanted):
        raise ValidationError(
            _("%(count)d of the chosen teachers are not in post under %(organisation)s in your jurisdiction.")
            % {"count": len(wanted - reachable), "organisation": cohort.organisation.name}
        )
    return _enrol_set(user, cohort, sorted(reachable))


@transaction.atomic
def cohort_enrol_school(*, actor: UserLike, cohort: Cohort, school: Organisation) -> CohortEnrolResult:
    """整校推进: every teacher in post at the school (and visible to the actor) joins the cohort."""
    user = _cohort_ready(actor, cohort)
    if school.kind != OrganisationKind.SCHOOL:
        raise ValidationError(_("Choose a school."))
    if not school.path.startswith(cohort.organisation.path):
        raise ValidationError(
            _("%(school)s is not under %(organisation)s, which runs this cohort.")
            % {"school": school.name, "organisation": cohort.organisation.name}
        )
    teacher_ids = list(_cohort_candidates(actor, cohort).filter(school=school).values_list("pk", flat=True))
    if not teacher_ids:
        raise ValidationError(_("%(school)s has no teachers in post you can enrol.") % {"school": school.name})
    return _enrol_set(user, cohort, teacher_ids)


@transaction.atomic
def cohort_remove_teacher(*, actor: UserLike, cohort: Cohort, enrolment: Enrolment) -> Enrolment:
    """Withdraw a member; the row stays in the cohort's history as withdrawn."""
    _require_manager(actor, cohort)
    locked = Enrolment.objects.select_for_update().filter(pk=enrolment.pk, cohort=cohort).first()
    if locked is None:
        raise ValidationError(_("This teacher is not in the cohort."))
    if locked.status == EnrolmentStatus.COMPLETED:
        raise ValidationError(_("A completed course cannot be withdrawn from."))
    if locked.status == EnrolmentStatus.WITHDRAWN:
        raise ValidationError(_("This teacher has already left the cohort."))
    _withdraw(locked)
    log(instance=cohort, action="courses.cohort_remove", user=actor, data={"enrolment": locked.pk})
    return locked


@transaction.atomic
def cohort_tutors_set(*, actor: UserLike, cohort: Cohort, tutors: Iterable[User]) -> Cohort:
    _require_manager(actor, cohort)
    tutor_list = _require_tutors_allowed(actor, tutors)
    cohort.tutors.set(tutor_list)
    data: dict[str, Any] = {"tutors": [t.pk for t in tutor_list]}
    log(instance=cohort, action="courses.cohort_tutors", user=actor, data=data)
    return cohort


__all__ = [
    "COHORT_ADMIN_ROLES",
    "CohortEnrolResult",
    "cohort_create",
    "cohort_enrol_school",
    "cohort_enrol_teachers",
    "cohort_remove_teacher",
    "cohort_tutors_set",
    "enrolment_self",
    "enrolment_withdraw",
]
