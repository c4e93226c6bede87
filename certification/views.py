"""Teachers' pages: their certificates with history and downloads, and eligibility explained per level."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from lms.api import access_log_record, teacher_for_user

from .access import certificates_visible_to
from .certificate_files import certificate_pdf_stored
from .models import CertificateStatus
from .selectors import certificates_of_teacher, eligibility_by_level


@login_required
def my_certificates(request: HttpRequest) -> HttpResponse:
    teacher = teacher_for_user(user=request.user)
    if teacher is None:
        return render(request, "certification/my_certificates.html", {"teacher": None}, status=403)
    from certification.annual.selectors import annual_outcomes_for_teacher

    return render(request, "certification/my_certificates.html", {
        "teacher": teacher,
        "outcomes": annual_outcomes_for_teacher(teacher_id=teacher.pk),
        "rows": certificates_of_teacher(teacher_id=teacher.pk),
        "eligibility": eligibility_by_level(teacher=teacher),
    })


@login_required
def certificate_pdf(request: HttpRequest, certificate_id: int) -> HttpResponse | FileResponse:
    """The holder, or someone whose jurisdiction covers the holder, downloads the printable PDF."""
    certificate = get_object_or_404(certificates_visible_to(user=request.user).select_related("teacher"), pk=certificate_id)
    if certificate.status == CertificateStatus.REVOKED:
        return render(request, "certification/refused.html", {"message": _("A revoked certificate cannot be downloaded.")}, status=409)
    if certificate.teacher.user_id != request.user.pk:
        access_log_record(actor=request.user, action="export", teacher=certificate.teacher, subject=_("certificate PDF"), request=request)  # type: ignore[arg-type]
    path = certificate_pdf_stored(certificate_id=certificate.pk)
    response = FileResponse(path.open("rb"), content_type="application/pdf", as_attachment=True, filename=f"{certificate.number}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response
