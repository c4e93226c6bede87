"""Celery tasks of issuance: the nightly run and keeping each certificate's PDF ready."""

from __future__ import annotations

from celery import shared_task

__all__ = ["certificates_issue_nightly", "certificate_pdf_store"]


@shared_task(name="certification.tasks.certificates_issue_nightly", ignore_result=True)
def certificates_issue_nightly() -> dict[str, int]:
    from certification.issuance import certificates_issue_newly_eligible

    return certificates_issue_newly_eligible()


@shared_task(name="certification.tasks.certificate_pdf_store", ignore_result=True, autoretry_for=(OSError,), max_retries=3)
def certificate_pdf_store(certificate_id: int) -> None:
    from certification.certificate_files import certificate_pdf_stored

    certificate_pdf_stored(certificate_id=certificate_id)
