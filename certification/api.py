"""The public face of certification: other apps (cms, and the personnel/report layer) call only these."""

from __future__ import annotations

from certification.access import (
    certificates_visible_to,
    teachers_readable_by,
    user_can_administer_certificates,
    user_can_read_certificates,
)
from certification.annual.selectors import annual_outcomes_for_teacher
from certification.demo import CertificationDemoResult, certification_demo_seed
from certification.eligibility import Eligibility, RequirementCheck, level_eligibility, levels_in_use
from certification.issuance import certificates_issue_newly_eligible
from certification.models import Certificate, CertificateStatus, CertificationLevel
from certification.selectors import CertificateRow, certificates_of_teacher, eligibility_by_level
from certification.titles.rules import TitleEligibility, title_eligibility, title_eligibility_all
from certification.verify.badges import open_badge_jwt
from certification.verify.signing import certificate_qr_text, qr_payload_verify
from certification.services import (
    IssueRefused,
    IssueResult,
    certificate_issue,
    certificate_reinstate,
    certificate_revoke,
    certificate_suspend,
)

__all__ = [
    "TitleEligibility",
    "annual_outcomes_for_teacher",
    "certificate_qr_text",
    "open_badge_jwt",
    "qr_payload_verify",
    "title_eligibility",
    "title_eligibility_all",
    "Certificate",
    "CertificateRow",
    "CertificateStatus",
    "CertificationDemoResult",
    "CertificationLevel",
    "Eligibility",
    "IssueRefused",
    "IssueResult",
    "RequirementCheck",
    "certificate_issue",
    "certificate_reinstate",
    "certificate_revoke",
    "certificate_suspend",
    "certificates_issue_newly_eligible",
    "certificates_of_teacher",
    "certificates_visible_to",
    "certification_demo_seed",
    "eligibility_by_level",
    "level_eligibility",
    "levels_in_use",
    "teachers_readable_by",
    "user_can_administer_certificates",
    "user_can_read_certificates",
]
