"""HR-API endpoints: teacher look-up, a teacher's record, certificates, hours and eligibility."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from courses.api import HoursPolicy, hours_totals
from lms.api import IdNumberError, Teacher, Title, mask_id_number, parse_id_number

from ..eligibility import level_eligibility, levels_in_use
from ..models import ApiScope, Certificate, CertificateEvent, CertificateStatus, CertificationLevel
from ..titles.rules import title_eligibility, title_eligibility_all
from . import presenters, selectors, serializers as out
from .audit import mask_query_value
from .base import COMMON_ERRORS, HrApiView, error_responses
from .errors import InvalidParameter
from .params import NamePagination, certificate_number_param, int_param, name_param, params_only

LOOKUP_PARAMS = ("id_number", "name", "certificate_number")
MAX_ID = 2**63 - 1
TITLE_TARGETS = tuple(value for value in Title.values if value != Title.NONE)
TEACHER_ID = OpenApiParameter("teacher_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The teacher's id (from a look-up).")


class NoHoursPolicy(APIException):
    status_code = 409
    default_detail = gettext_lazy("No hours policy is defined.")
    default_code = "no_hours_policy"


class TeacherView(HrApiView):
    """A view about one teacher of the key's jurisdiction; any other id gets the not-in-jurisdiction 403."""

    def teacher(self, teacher_id: int) -> Teacher:
        if teacher_id > MAX_ID:  # past any database id: unknown, not an overflow error
            raise self.refuse(f"teacher #{teacher_id}")
        teacher = selectors.teacher_in_jurisdiction(user=self.request.user, teacher_id=teacher_id)
        if teacher is None:
            raise self.refuse(f"teacher #{teacher_id}")
        self.audit.teacher = teacher
        return teacher


class TeacherLookupView(HrApiView):
    required_scope = ApiScope.TEACHERS
    pagination = NamePagination

    @extend_schema(
        operation_id="teachers_lookup", tags=["teachers"],
        summary="Find teachers of the jurisdiction by exactly one of id_number, name, certificate_number",
        description="An ID number or certificate number outside the jurisdiction finds nothing, exactly like "
        "an unknown one (an empty list). Name searches are paginated.",
        parameters=[
            OpenApiParameter("id_number", str, description="身份证号, 18 characters (the check character is verified)."),
            OpenApiParameter("name", str, description="A name or part of one (2–50 characters)."),
            OpenApiParameter("certificate_number", str, description="A capability certificate number."),
            OpenApiParameter("page", int, description="Name searches: the page (from 1)."),
            OpenApiParameter("page_size", int, description="Name searches: results per page (1–200, default 50)."),
        ],
        responses={200: out.TeacherPage, **error_responses(*COMMON_ERRORS)},
    )
    def get(self, request: Request) -> Response:
        values = params_only(request, (*LOOKUP_PARAMS, "page", "page_size"))
        given = [name for name in LOOKUP_PARAMS if name in values]
        if len(given) != 1:
            message = _("Give exactly one of id_number, name or certificate_number.")
            raise InvalidParameter.many({name: message for name in (given or LOOKUP_PARAMS)})
        kind = given[0]
        value = values[kind]
        if kind == "name":
            return self._by_name(request, name_param(value))
        if kind == "id_number":
            self.audit.subject = mask_query_value(value)
            try:
                parsed = parse_id_number(value)
            except IdNumberError as exc:
                raise InvalidParameter("id_number", str(exc)) from exc
            self.audit.subject = mask_id_number(parsed.value)
            teachers = selectors.teachers_by_id_number(user=request.user, id_number=parsed.value)
        else:
            self.audit.subject = value[:100]
            number = certificate_number_param(value)
            teachers = selectors.teachers_by_certificate_number(user=request.user, number=number)
        return Response(out.TeacherPage(self._page(teachers, count=len(teachers))).data)

    def _rows(self, teachers: list[Teacher]) -> list[presenters.Row]:
        best = selectors.best_certificates(teacher_ids=[t.pk for t in teachers], today=timezone.localdate()) if teachers else {}
        self.audit.object_count = len(teachers)
        if len(teachers) == 1:
            self.audit.teacher = teachers[0]
        return [presenters.teacher_row(teacher, best.get(teacher.pk)) for teacher in teachers]

    def _page(self, teachers: list[Teacher], *, count: int, next_url: str | None = None, previous: str | None = None) -> presenters.Row:
        return {"count": count, "next": next_url, "previous": previous, "results": self._rows(teachers)}

    def _by_name(self, request: Request, name: str) -> Response:
        self.audit.subject = name
        paginator = self.pagination()
        teachers = list(paginator.paginate_queryset(selectors.teachers_by_name(user=request.user, name=name), request, view=self))
        page = self._page(
            teachers, count=paginator.page.paginator.count, next_url=paginator.get_next_link(),
            previous=paginator.get_previous_link(),
        )
        return Response(out.TeacherPage(page).data)


class TeacherDetailView(TeacherView):
    required_scope = ApiScope.TEACHERS

    @extend_schema(
        operation_id="teacher_detail", tags=["teachers"], summary="One teacher: profile, current level, certificates",
        parameters=[TEACHER_ID], responses={200: out.TeacherDetail, **error_responses(*COMMON_ERRORS)},
    )
    def get(self, request: Request, teacher_id: int) -> Response:
        params_only(request, ())
        teacher = self.teacher(teacher_id)
        today = timezone.localdate()
        certificates = selectors.certificates_of(teacher_id=teacher.pk)
        valid = [c for c in certificates if c.status_on(today) == CertificateStatus.VALID]
        best = max(valid, key=lambda c: (c.level.rank, c.valid_until), default=None)
        row = {
            **presenters.teacher_row(teacher, best),
            "title_conferred_on": teacher.title_conferred_on,
            "certificates": [presenters.certificate_summary(c, today) for c in certificates],
        }
        return Response(out.TeacherDetail(row).data)


def _with_events(certificates: list[Certificate]) -> list[tuple[Certificate, list[CertificateEvent]]]:
    return [(c, list(c.events.all())) for c in certificates]


class TeacherCertificatesView(TeacherView):
    required_scope = ApiScope.CERTIFICATES

    @extend_schema(
        operation_id="teacher_certificates", tags=["certificates"],
        summary="A teacher's certificates with their history of status changes",
        parameters=[TEACHER_ID], responses={200: out.TeacherCertificates, **error_responses(*COMMON_ERRORS)},
    )
    def get(self, request: Request, teacher_id: int) -> Response:
        params_only(request, ())
        teacher = self.teacher(teacher_id)
        today = timezone.localdate()
        certificates = list(
            Certificate.objects.filter(teacher_id=teacher.pk).select_related("level", "issuer__organisation")
            .prefetch_related(Prefetch("events", queryset=CertificateEvent.objects.order_by("recorded_at", "pk")))
            .order_by("-issued_on", "-pk")
        )
        self.audit.object_count = len(certificates)
        rows = [presenters.certificate_full(c, events, today) for c, events in _with_events(certificates)]
        return Response(out.TeacherCertificates({"teacher_id": teacher.pk, "results": rows}).data)


class TeacherHoursView(TeacherView):
    required_scope = ApiScope.HOURS

    @extend_schema(
        operation_id="teacher_hours", tags=["hours"],
        summary="A teacher's hours by year and kind, cycles against the target, yearly shortfalls",
        parameters=[TEACHER_ID, OpenApiParameter("year", int, description="Only this year and its cycle.")],
        responses={200: out.TeacherHours, **error_responses(*COMMON_ERRORS)},
    )
    def get(self, request: Request, teacher_id: int) -> Response:
        values = params_only(request, ("year",))
        year = int_param(values, "year", low=1990, high=2100)
        teacher = self.teacher(teacher_id)
        try:
            totals = hours_totals(teacher_id=teacher.pk)
        except HoursPolicy.DoesNotExist as exc:
            raise NoHoursPolicy() from exc
        return Response(out.TeacherHours(presenters.hours_row(totals, year=year)).data)


class TeacherEligibilityView(TeacherView):
    required_scope = ApiScope.ELIGIBILITY

    @extend_schema(
        operation_id="teacher_eligibility", tags=["eligibility"],
        summary="Title-promotion and certification-level eligibility, each requirement met or unmet with its reason",
        parameters=[
            TEACHER_ID,
            OpenApiParameter("title", str, enum=list(TITLE_TARGETS), description="A target title; all targets with rules in force when left out."),
            OpenApiParameter("level", str, description="A certification level code; every level in use when left out."),
        ],
        responses={200: out.TeacherEligibility, **error_responses(*COMMON_ERRORS)},
    )
    def get(self, request: Request, teacher_id: int) -> Response:
        values = params_only(request, ("title", "level"))
        title = values.get("title")
        if title is not None and title not in TITLE_TARGETS:
            raise InvalidParameter("title", _("Unknown title; one of: %(codes)s.") % {"codes": ", ".join(TITLE_TARGETS)})
        levels = levels_in_use()
        if "level" in values:
            levels = [level for level in levels if level.code == values["level"]]
            if not levels:
                codes = CertificationLevel.objects.filter(is_active=True).order_by("rank").values_list("code", flat=True)
                raise InvalidParameter("level", _("Unknown level; one of: %(codes)s.") % {"codes": ", ".join(codes)})
        teacher = self.teacher(teacher_id)
        titles = [title_eligibility(teacher=teacher, target_title=title)] if title else title_eligibility_all(teacher=teacher)
        row = {
            "teacher_id": teacher.pk,
            "titles": [presenters.title_result(result) for result in titles],
            "levels": [presenters.level_result(level_eligibility(teacher=teacher, level=level)) for level in levels],
        }
        return Response(out.TeacherEligibility(row).data)


class CertificateView(HrApiView):
    required_scope = ApiScope.CERTIFICATES

    @extend_schema(
        operation_id="certificate_detail", tags=["certificates"],
        summary="One certificate by its number, with its holder and history",
        parameters=[OpenApiParameter("number", str, OpenApiParameter.PATH)],
        responses={200: out.CertificateWithHolder, **error_responses(*COMMON_ERRORS)},
    )
    def get(self, request: Request, number: str) -> Response:
        params_only(request, ())
        self.audit.subject = number[:100]
        certificate_number_param(number, "number")
        certificate = selectors.certificate_in_jurisdiction(user=request.user, number=number)
        if certificate is None:
            raise self.refuse(number[:100])
        self.audit.teacher = certificate.teacher
        events = list(CertificateEvent.objects.filter(certificate=certificate).order_by("recorded_at", "pk"))
        row = {
            **presenters.certificate_full(certificate, events, timezone.localdate()),
            "holder": presenters.holder(certificate.teacher),
        }
        return Response(out.CertificateWithHolder(row).data)
