"""Models of certification: levels and rules, certificates, annual review, title promotion."""

from .annual import (
    APPRAISAL_RANK,
    AnnualReviewOutcome,
    AnnualReviewRule,
    AnnualReviewRun,
    AppraisalGrade,
    AppraisalImport,
    AppraisalRecord,
    ReviewOutcome,
)
from .certificates import (
    DEFAULT_NUMBER_PATTERN,
    Certificate,
    CertificateBatch,
    CertificateEvent,
    CertificateIssuer,
    CertificateSequence,
    CertificateStatus,
    EventKind,
    IssueMode,
    IssuerKey,
    ReasonCode,
)
from .levels import CertificationLevel, CompetencyLevel, EligibilityDecision, LevelRule
from .personnel import ApiClient, ApiScope, BulkLookup, JobState, ReportExport
from .titles import TitleRuleSet

__all__ = [
    "ApiClient",
    "ApiScope",
    "BulkLookup",
    "JobState",
    "ReportExport",
    "APPRAISAL_RANK",
    "AnnualReviewOutcome",
    "AnnualReviewRule",
    "AnnualReviewRun",
    "AppraisalGrade",
    "AppraisalImport",
    "AppraisalRecord",
    "ReviewOutcome",
    "DEFAULT_NUMBER_PATTERN",
    "Certificate",
    "CertificateBatch",
    "CertificateEvent",
    "CertificateIssuer",
    "CertificateSequence",
    "CertificateStatus",
    "EventKind",
    "IssueMode",
    "IssuerKey",
    "ReasonCode",
    "CertificationLevel",
    "CompetencyLevel",
    "EligibilityDecision",
    "LevelRule",
    "TitleRuleSet",
]
