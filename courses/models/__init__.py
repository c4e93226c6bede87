"""Models of courses: the catalog pages, enrolment and progress, school-based sessions, the hours ledger."""

from .enrolment import Cohort, Enrolment, EnrolmentStatus, LessonProgress, ProgressStatus
from .filing import BureauApprovalTask, page_course
from .hours import HoursEntry, HoursImport, HoursImportStatus, HoursKind, HoursPolicy, HoursSource, LedgerAppendOnlyError
from .pages import CatalogPage, CourseHours, CoursePage, DeliveryMode, LessonPage, ModulePage, ProviderIndexPage
from .school_sessions import (
    AttendanceMethod,
    OfflineAttendance,
    RecordKind,
    SchoolSession,
    SessionAttendance,
    SessionRecord,
    SessionStatus,
)
from .watching import TeacherWatchState, WatchBeat, WatchSession

__all__ = [
    "AttendanceMethod",
    "BureauApprovalTask",
    "CatalogPage",
    "Cohort",
    "CourseHours",
    "CoursePage",
    "DeliveryMode",
    "Enrolment",
    "EnrolmentStatus",
    "HoursEntry",
    "HoursImport",
    "HoursImportStatus",
    "HoursKind",
    "HoursPolicy",
    "HoursSource",
    "LedgerAppendOnlyError",
    "LessonPage",
    "LessonProgress",
    "ModulePage",
    "OfflineAttendance",
    "ProgressStatus",
    "ProviderIndexPage",
    "RecordKind",
    "SchoolSession",
    "SessionAttendance",
    "SessionRecord",
    "SessionStatus",
    "TeacherWatchState",
    "page_course",
    "WatchBeat",
    "WatchSession",
]
