"""Models of assessments: capability frameworks, and H5P packages, libraries, activities and attempts."""

from assessments.models.frameworks import CapabilityFramework, FrameworkNode, NodeKind
from assessments.models.quizzes import AttemptStatus, ItemType, Quiz, QuizAnswer, QuizAttempt, QuizItem, QuizItemResult
from assessments.models.h5p import (
    ActivityStatus,
    CountingRule,
    H5PActivity,
    H5PAttempt,
    H5PLibrary,
    H5PPackage,
    H5PStatement,
    H5PUserState,
    LibraryStatus,
    ScoredBy,
)

__all__ = [
    "ActivityStatus",
    "AttemptStatus",
    "ItemType",
    "Quiz",
    "QuizAnswer",
    "QuizAttempt",
    "QuizItem",
    "QuizItemResult",
    "CapabilityFramework",
    "CountingRule",
    "FrameworkNode",
    "H5PActivity",
    "H5PAttempt",
    "H5PLibrary",
    "H5PPackage",
    "H5PStatement",
    "H5PUserState",
    "LibraryStatus",
    "NodeKind",
    "ScoredBy",
]
