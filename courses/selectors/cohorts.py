"""Reads of cohorts (培训班) and enrolments with progress, scoped by jurisdiction.

Administrators and personnel officers see the cohorts run inside their subtree; a tutor sees the
cohorts they tutor, with all of their members (tutoring is the grant of access to those teachers).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from courses.models import Cohort, CoursePage, Enrolment, EnrolmentStatus, LessonPage, ProgressStatus
from lms.api import (
    Organisation,
    OrganisationKind,
    Role,
    Teacher,
    jurisdiction_paths,
    organisations_in_jurisdiction,
    schools_in_jurisdiction,
    teacher_search,
    teachers_visible_to,
    user_has_role,
)
from lms.vocab import EmploymentStatus

UserLike = User | AnonymousUser

COHORT_ADMIN_ROLES = frozenset({Role.SCHOOL_ADMIN, Role.COUNTY_ADMIN, Role.CITY_ADMIN, Role.PROVINCE_ADMIN})
COHORT_VIEWER_ROLES = COHORT_ADMIN_ROLES | {Role.PERSONNEL_OFFICER}
TUTOR_ROLES = COHORT_ADMIN_ROLES | {Role.REVIEWER}


def _inside(paths: list[str] | None, path: str) -> bool:
    return paths is None or any(path.startswith(prefix) for prefix in paths)


def _path_q(paths: list[str], field: str) -> Q:
    condition = Q(pk__in=[])
    for prefix in paths:
        condition |= Q(**{f"{field}__startswith": prefix})
    return condition


# ---- who may do what ----------------------------------------------------------------------------


def user_can_create_cohorts(*, user: UserLike) -> bool:
    return user_has_role(user=user, roles=COHORT_ADMIN_ROLES)


def user_can_view_cohorts(*, user: UserLike) -> bool:
    """Administrators, personnel officers (read only) and anyone who tutors a cohort."""
    if user_has_role(user=user, roles=COHORT_VIEWER_ROLES):
        return True
    return user.is_authenticated and Cohort.tutors.through.objects.filter(user_id=user.pk).exists()


def user_can_manage_organisation_cohorts(*, user: UserLike, organisation: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    return _inside(jurisdiction_paths(user=user, roles=COHORT_ADMIN_ROLES), organisation.path)


def user_can_manage_cohort(*, user: UserLike, cohort: Cohort) -> bool:
    return user_can_manage_organisation_cohorts(user=user, organisation=cohort.organisation)


def user_tutors_cohort(*, user: UserLike, cohort: Cohort) -> bool:
    return user.is_authenticated and cohort.tutors.filter(pk=user.pk).exists()


# ---- choosers -----------------------------------------------------------------------------------


def cohort_organisations_for(*, user: UserLike) -> QuerySet[Organisation]:
    """Nodes that may run a cohort the user opens: schools and bureaus of their subtree."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return (
        organisations_in_jurisdiction(user=user, roles=COHORT_ADMIN_ROLES)
        .filter(is_active=True)
        .exclude(kind=OrganisationKind.INSTITUTION)
        .order_by("path")
    )


def cohort_schools_for(*, user: UserLike, cohort: Cohort) -> QuerySet[Organisation]:
    """Schools the user may enrol as a whole: in their subtree and under the node running the cohort."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return (
        schools_in_jurisdiction(user=user, roles=COHORT_ADMIN_ROLES)
        .filter(path__startswith=cohort.organisation.path, is_active=True)
        .order_by("path")
    )


def cohort_tutor_candidates(*, actor: UserLike) -> QuerySet[User]:
    """Users holding a reviewer or administrator role at a node inside the actor's jurisdiction."""
    users = get_user_model().objects.filter(is_active=True)
    if not actor.is_authenticated:
        return users.none()
    paths = jurisdiction_paths(user=actor, roles=COHORT_ADMIN_ROLES)
    grants = Q(role_grants__role__in=list(TUTOR_ROLES), role_grants__revoked_at__isnull=True,
               role_grants__organisation__is_active=True)
    if paths is not None:
        if not paths:
            return users.none()
        grants &= _path_q(paths, "role_grants__organisation__path")
    # The grant join can repeat a user; pk__in keeps one row each.
    return users.filter(pk__in=users.filter(grants).values("pk")).order_by("username")


def cohort_teacher_search(*, user: UserLike, cohort: Cohort, query: str) -> QuerySet[Teacher]:
    """Teachers in post under the node running the cohort, found through the user's jurisdiction."""
    return teacher_search(user=user, query=query).filter(
        school__path__startswith=cohort.organisation.path, employment_status=EmploymentStatus.ACTIVE
    )


# ---- cohorts and members ------------------------------------------------------------------------


def _member_count(status: str) -> Count:
    return Count("enrolments", filter=Q(enrolments__status=status))


def cohorts_visible_to(*, user: UserLike) -> QuerySet[Cohort]:
    """Cohorts run inside the user's subtree, plus those they tutor; with member counts by status."""
    if not user.is_authenticated:
        return Cohort.objects.none()
    cohorts = Cohort.objects.select_related("course", "organisation").annotate(
        active_count=_member_count(EnrolmentStatus.ACTIVE),
        completed_count=_member_count(EnrolmentStatus.COMPLETED),
        withdrawn_count=_member_count(EnrolmentStatus.WITHDRAWN),
    )
    paths = jurisdiction_paths(user=user, roles=COHORT_VIEWER_ROLES)
    if paths is None:
        return cohorts
    tutored = Q(pk__in=Cohort.tutors.through.objects.filter(user_id=user.pk).values("cohort_id"))
    return cohorts.filter(_path_q(paths, "organisation__path") | tutored)


def course_lessons_total(*, course: CoursePage) -> int:
    return LessonPage.objects.live().descendant_of(course).count()


def lessons_done_count(*, required_only: bool = False) -> Count:
    """Annotation on enrolments: lessons done (only required ones when asked)."""
    done = Q(lesson_progress__status=ProgressStatus.DONE)
    if required_only:
        done &= Q(lesson_progress__lesson__required=True)
    return Count("lesson_progress", filter=done)


def _scoped_enrolments(user: UserLike, cohort: Cohort) -> QuerySet[Enrolment]:
    members = Enrolment.objects.filter(cohort=cohort)
    if user_tutors_cohort(user=user, cohort=cohort):
        return members
    return members.filter(teacher__in=teachers_visible_to(user))


def cohort_members(*, user: UserLike, cohort: Cohort) -> QuerySet[Enrolment]:
    """The cohort's enrolments the user may see, with lessons done; the caller checks the cohort is visible."""
    return (
        _scoped_enrolments(user, cohort)
        .select_related("teacher", "teacher__school")
        .defer("teacher__id_number_encrypted")
        .annotate(lessons_done=lessons_done_count())
        .order_by("teacher__school__path", "teacher__real_name", "id")
    )


def cohort_status_counts(*, user: UserLike, cohort: Cohort) -> dict[str, int]:
    """Members the user may see, by status (every status present, zero when none): one GROUP BY query."""
    counts: dict[str, int] = {status: 0 for status in EnrolmentStatus.values}
    rows = _scoped_enrolments(user, cohort).order_by().values_list("status").annotate(n=Count("id"))
    for status, n in rows:
        counts[status] = n
    return counts


def enrolment_teacher_ids(*, cohort: Cohort, teacher_ids: list[int]) -> set[int]:
    """Which of these teachers already hold an enrolment (any status) in the cohort's course."""
    return set(
        Enrolment.objects.filter(course_id=cohort.course_id, teacher_id__in=teacher_ids)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .values_list("teacher_id", flat=True)
    )


def lessons_total_subquery(*, required_only: bool = False) -> Subquery:
    """Annotation on enrolments: the course's live lessons (only required ones when asked)."""
    lessons = LessonPage.objects.filter(live=True, path__startswith=OuterRef("course__path"))
    if required_only:
        lessons = lessons.filter(required=True)
    counted = lessons.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Subquery(counted, output_field=IntegerField())


def enrolments_of(*, teacher: Teacher) -> QuerySet[Enrolment]:
    """A teacher's enrolments (newest first) with course, filed hours, cohort, lessons done and lessons total."""
    return (
        Enrolment.objects.filter(teacher=teacher)
        .select_related("course", "course__filed_hours", "cohort")
        .annotate(lessons_done=lessons_done_count(), lessons_total=Coalesce(lessons_total_subquery(), 0))
        .order_by("-enrolled_at", "-id")
    )


__all__ = [
    "COHORT_ADMIN_ROLES",
    "COHORT_VIEWER_ROLES",
    "TUTOR_ROLES",
    "cohort_members",
    "cohort_organisations_for",
    "cohort_schools_for",
    "cohort_status_counts",
    "cohort_teacher_search",
    "cohort_tutor_candidates",
    "cohorts_visible_to",
    "course_lessons_total",
    "enrolment_teacher_ids",
    "enrolments_of",
    "lessons_done_count",
    "lessons_total_subquery",
    "user_can_create_cohorts",
    "user_can_manage_cohort",
    "user_can_manage_organisation_cohorts",
    "user_can_view_cohorts",
    "user_tutors_cohort",
]
