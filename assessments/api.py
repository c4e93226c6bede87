"""The public face of assessments: other apps call only these functions."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse

from assessments.h5p.attempts import (
    ActivityResult,
    StatementOutcome,
    actor_mbox_for as h5p_actor_mbox_for,
    h5p_result,
    h5p_results,
    h5p_statement_record,
    h5p_statement_store,
    scoring_activity as h5p_scoring_activity,
)
from assessments.h5p.state import h5p_state_get, h5p_state_save
from assessments.h5p.packages import (
    h5p_activity_check_run,
    h5p_activity_receive,
    h5p_libraries_awaiting,
    h5p_library_decide,
)
from assessments.h5p.samples import sample_package as h5p_sample_package
from assessments.models import LibraryStatus
from assessments.models import ActivityStatus, CapabilityFramework, FrameworkNode, H5PActivity, NodeKind
from assessments.quizzes.services import (
    AttemptResult as QuizAttemptResult,
    quiz_answer_save,
    quiz_attempt_current,
    quiz_attempt_items,
    quiz_attempt_latest_submitted,
    quiz_attempt_result,
    quiz_attempt_start,
    quiz_attempt_submit,
    quiz_attempts_taken,
    quiz_best_percent,
    quiz_get,
    quiz_item_create,
    quiz_passed,
)
from assessments.models import Quiz, QuizAttempt, QuizItem
from assessments.demo import EvidenceDemoResult, assessments_demo_seed
from assessments.review.results import (
    CompetencySummary,
    competency_results_history,
    competency_results_standing,
    competency_result_recognise,
    competency_summaries,
    teacher_ids_with_passed_results,
)
from assessments.services import (
    framework_2014_ensure,
    framework_2_0_core_ensure,
    framework_2_0_ensure,
    framework_export_rows,
    framework_import,
    framework_load_csv,
    framework_rows_from_csv,
    framework_rows_from_json,
    framework_to_csv,
    framework_to_json,
)


def competencies_current() -> QuerySet[FrameworkNode]:
    """Competencies of the current version of every framework, in framework order."""
    return FrameworkNode.objects.filter(kind=NodeKind.COMPETENCY, framework__is_current=True).select_related(
        "framework"
    )


def h5p_activity_get(*, activity_id: int) -> H5PActivity | None:
    return H5PActivity.objects.select_related("package").filter(pk=activity_id).first()


def h5p_activity_paths(*, activity: H5PActivity) -> dict[str, str]:
    """Where the player finds the activity's h5p.json, content and libraries (our own routes)."""
    base = reverse("assessments:h5p_file", kwargs={"activity_id": activity.pk, "path": "h5p.json"})
    root = base.removesuffix("/h5p.json")
    return {"h5pJsonPath": root, "contentJsonPath": f"{root}/content", "librariesPath": f"{root}/libraries"}


__all__ = [
    "competency_result_recognise",
    "teacher_ids_with_passed_results",
    "CompetencySummary",
    "EvidenceDemoResult",
    "assessments_demo_seed",
    "competency_results_history",
    "competency_results_standing",
    "competency_summaries",
    "quiz_item_create",
    "Quiz",
    "QuizAttempt",
    "QuizAttemptResult",
    "QuizItem",
    "quiz_answer_save",
    "quiz_attempt_current",
    "quiz_attempt_items",
    "quiz_attempt_latest_submitted",
    "quiz_attempt_result",
    "quiz_attempt_start",
    "quiz_attempt_submit",
    "quiz_attempts_taken",
    "quiz_get",
    "quiz_best_percent",
    "quiz_passed",
    "ActivityResult",
    "ActivityStatus",
    "CapabilityFramework",
    "FrameworkNode",
    "H5PActivity",
    "NodeKind",
    "StatementOutcome",
    "competencies_current",
    "framework_2014_ensure",
    "framework_2_0_core_ensure",
    "framework_2_0_ensure",
    "framework_export_rows",
    "framework_import",
    "framework_rows_from_csv",
    "framework_rows_from_json",
    "framework_to_csv",
    "framework_to_json",
    "framework_load_csv",
    "h5p_activity_get",
    "h5p_activity_paths",
    "h5p_actor_mbox_for",
    "h5p_result",
    "h5p_results",
    "h5p_state_get",
    "h5p_state_save",
    "h5p_statement_record",
    "h5p_statement_store",
    "h5p_scoring_activity",
    "LibraryStatus",
    "h5p_activity_check_run",
    "h5p_activity_receive",
    "h5p_libraries_awaiting",
    "h5p_library_decide",
    "h5p_sample_package",
]
