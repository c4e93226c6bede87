"""Administrators' pages: certificates of their jurisdiction, one certificate's history and status
changes, a teacher's eligibility with a manual issue, and cohort batches with a merged PDF."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lms.api import (
    EmploymentStatus,
    Organisation,
    OrganisationKind,
    access_log_record,
    organisations_in_jurisdiction,
    teachers_visible_to,
)

from .access import (
    BUREAU_ROLES,
    certificates_administered_by,
    certificates_visible_to,
    teachers_administered_by,
    user_can_administer_certificates,
    user_can_read_certificates,
)
from .forms import BatchForm, StatusChangeForm
from .models import CertificateBatch, CertificateStatus, CertificationLevel
from .selectors import certificates_filtered, certificates_of_teacher, eligibility_by_level
from .services import IssueRefused, certificate_issue, certificate_reinstate, certificate_revoke, certificate_suspend

STATUS_SERVICES = {"suspend": certificate_suspend, "reinstate": certificate_reinstate, "revoke": certificate_revoke}


def _read_check(request: HttpRequest) -> None:
    if not user_can_read_certificates(user=request.user):
        raise PermissionDenied(_("Only administrators and personnel officers see certificates of a jurisdiction."))


def _admin_check(request: HttpRequest) -> None:
    if not user_can_administer_certificates(user=request.user):
        raise PermissionDenied(_("Only education bureau administrators manage certificates."))


@login_required
def certificate_list(request: HttpRequest) -> HttpResponse:
    _read_check(request)
    status, level, query = request.GET.get("status", ""), request.GET.get("level", ""), request.GET.get("q", "")
    shown = certificates_filtered(certificates_visible_to(user=request.user), status=status, level=level, query=query)
    page = Paginator(shown, 50).get_page(request.GET.get("page"))
    access_log_record(actor=request.user, action="list", subject=_("certificates"), object_count=len(page.object_list), request=request)  # type: ignore[arg-type]
    return render(request, "certification/manage/list.html", {
        "page": page, "status": status, "level": level, "q": query, "today": timezone.localdate(),
        "levels": CertificationLevel.objects.order_by("rank"), "statuses": CertificateStatus.choices,
        "can_administer": user_can_administer_certificates(user=request.user),
    })


@login_required
def certificate_detail(request: HttpRequest, certificate_id: int) -> HttpResponse:
    _read_check(request)
    certificate = get_object_or_404(certificates_visible_to(user=request.user).select_related("teacher__school", "level", "issuer", "rule"), pk=certificate_id)
    access_log_record(actor=request.user, action="view", teacher=certificate.teacher, subject=_("certificate"), request=request)  # type: ignore[arg-type]
    row = next(r for r in certificates_of_teacher(teacher_id=certificate.teacher_id) if r.certificate.pk == certificate.pk)
    can_change = certificates_administered_by(user=request.user).filter(pk=certificate.pk).exists()
    return render(request, "certification/manage/detail.html", {
        "row": row, "certificate": certificate, "form": StatusChangeForm(), "can_change": can_change,
    })


@login_required
@require_POST
def certificate_status(request: HttpRequest, certificate_id: int) -> HttpResponse:
    _admin_check(request)
    certificate = get_object_or_404(certificates_administered_by(user=request.user), pk=certificate_id)
    form = StatusChangeForm(request.POST)
    if form.is_valid():
        service = STATUS_SERVICES[form.cleaned_data["action"]]
        try:
            service(
                certificate=certificate, reason_code=form.cleaned_data["reason_code"], reason_text=form.cleaned_data["reason_text"],
                by=request.user, effective_on=form.cleaned_data["effective_on"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The certificate's status was changed."))
            return redirect("certification:manage_detail", certificate.pk)
    row = next(r for r in certificates_of_teacher(teacher_id=certificate.teacher_id) if r.certificate.pk == certificate.pk)
    return render(request, "certification/manage/detail.html", {"row": row, "certificate": certificate, "form": form, "can_change": True}, status=400)


@login_required
def teacher_eligibility(request: HttpRequest, teacher_id: int) -> HttpResponse:
    """A teacher's eligibility per level, explained; administrators may issue from here."""
    _read_check(request)
    teacher = get_object_or_404(teachers_visible_to(request.user).select_related("school"), pk=teacher_id)
    access_log_record(actor=request.user, action="view", teacher=teacher, subject=_("certification eligibility"), request=request)  # type: ignore[arg-type]
    can_issue = teachers_administered_by(user=request.user).filter(pk=teacher.pk).exists()
    refused: list[str] = []
    status = 200
    if request.method == "POST":
        if not can_issue:
            raise PermissionDenied(_("Only education bureau administrators manage certificates."))
        level = get_object_or_404(CertificationLevel, pk=request.POST.get("level"), is_active=True)
        try:
            with transaction.atomic():
                result = certificate_issue(teacher=teacher, level=level, by=request.user)
        except IssueRefused as refusal:
            refused, status = refusal.unmet, 400
        else:
            if result.created:
                messages.success(request, _("Certificate %(number)s issued.") % {"number": result.certificate.number})
            else:
                messages.info(request, _("The teacher already holds certificate %(number)s.") % {"number": result.certificate.number})
            return redirect("certification:manage_detail", result.certificate.pk)
    return render(request, "certification/manage/eligibility.html", {
        "teacher": teacher, "eligibility": eligibility_by_level(teacher=teacher), "can_issue": can_issue,
        "refused": refused, "rows": certificates_of_teacher(teacher_id=teacher.pk),
    }, status=status)


def _schools_for(request: HttpRequest) -> QuerySet[Organisation]:
    return organisations_in_jurisdiction(user=request.user, roles=BUREAU_ROLES).filter(kind=OrganisationKind.SCHOOL).order_by("path")


@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    _admin_check(request)
    schools = _schools_for(request)
    form = BatchForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        school = form.cleaned_data["school"]
        ids = list(teachers_administered_by(user=request.user).filter(school=school, employment_status=EmploymentStatus.ACTIVE).order_by("pk").values_list("pk", flat=True))
        if not ids:
            form.add_error("school", _("The school has no teachers in post."))
        else:
            batch = CertificateBatch.objects.create(
                level=form.cleaned_data["level"], teacher_ids=ids, total=len(ids), created_by_id=request.user.pk,
                label=f"{school.name} · {form.cleaned_data['level'].name}",
            )
            from certification.pdf.tasks import certificate_batch_run

            transaction.on_commit(lambda: certificate_batch_run.delay(batch.pk))
            return redirect("certification:batch_detail", batch.pk)
    batches = CertificateBatch.objects.filter(created_by_id=request.user.pk).select_related("level")[:50]
    return render(request, "certification/manage/batches.html", {"form": form, "batches": batches}, status=400 if form.errors else 200)


def _batch_for(request: HttpRequest, batch_id: int) -> CertificateBatch:
    _admin_check(request)
    batch = get_object_or_404(CertificateBatch.objects.select_related("level"), pk=batch_id)
    if batch.created_by_id != request.user.pk and not request.user.is_superuser:
        raise Http404
    return batch


@login_required
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch_for(request, batch_id)
    if request.GET.get("format") == "json":
        return JsonResponse({"state": batch.state, "done": batch.done, "total": batch.total, "issued": batch.issued, "percent": batch.percent})
    return render(request, "certification/manage/batch.html", {"batch": batch})


@login_required
def batch_pdf(request: HttpRequest, batch_id: int) -> FileResponse:
    batch = _batch_for(request, batch_id)
    if batch.state != CertificateBatch.State.DONE or not batch.merged_pdf:
        raise Http404
    from django.conf import settings

    path = settings.PRIVATE_ROOT / batch.merged_pdf
    access_log_record(actor=request.user, action="export", subject=_("certificates for printing"), object_count=batch.issued, request=request)  # type: ignore[arg-type]
    return FileResponse(open(path, "rb"), content_type="application/pdf", as_attachment=True, filename=f"certificates-{batch.pk}.pdf")

