"""Controlled vocabularies for teacher records: codes stored, labels translated (zh-hans default)."""

from __future__ import annotations

from functools import lru_cache

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class SchoolStage(models.TextChoices):
    KINDERGARTEN = "kindergarten", _("Kindergarten")
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior secondary")
    SENIOR = "senior", _("Senior secondary")
    VOCATIONAL = "vocational", _("Secondary vocational")
    SPECIAL = "special", _("Special education")


class Subject(models.TextChoices):
    CHINESE = "chinese", _("Chinese")
    MATHS = "maths", _("Mathematics")
    ENGLISH = "english", _("English")
    PHYSICS = "physics", _("Physics")
    CHEMISTRY = "chemistry", _("Chemistry")
    BIOLOGY = "biology", _("Biology")
    HISTORY = "history", _("History")
    GEOGRAPHY = "geography", _("Geography")
    MORALITY = "morality", _("Morality and law")
    SCIENCE = "science", _("Science")
    IT = "it", _("Information technology")
    MUSIC = "music", _("Music")
    ART = "art", _("Fine arts")
    PE = "pe", _("Physical education")
    PSYCHOLOGY = "psychology", _("Mental health")
    GENERAL_TECH = "general_tech", _("General technology")
    OTHER = "other", _("Other")


class Title(models.TextChoices):
    """职称: 三级 → 二级 → 一级 → 高级 → 正高级; 未定级 for teachers not yet appointed."""

    NONE = "none", _("Not yet graded")
    THIRD = "third", _("Third-grade teacher")
    SECOND = "second", _("Second-grade teacher")
    FIRST = "first", _("First-grade teacher")
    SENIOR = "senior", _("Senior teacher")
    PROFESSOR = "professor", _("Professor-level senior teacher")


class Education(models.TextChoices):
    """最高学历: title promotion counts years in the current title by education level."""

    UNKNOWN = "", _("Not recorded")
    SECONDARY = "secondary", _("Secondary vocational")
    COLLEGE = "college", _("Junior college")
    BACHELOR = "bachelor", _("Bachelor's degree")
    MASTER = "master", _("Master's degree")
    DOCTOR = "doctor", _("Doctorate")


class EmploymentStatus(models.TextChoices):
    ACTIVE = "active", _("In post")
    LEAVE = "leave", _("On leave")
    RETIRED = "retired", _("Retired")
    LEFT = "left", _("Left the service")


@lru_cache(maxsize=None)
def _lookup(choices: type[models.TextChoices]) -> dict[str, str]:
    """Map code, Chinese label and English label (case-insensitive) to the stored code."""
    table: dict[str, str] = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for value, label in choices.choices:
                table[str(label).strip().lower()] = value
    for value in choices.values:
        table[value.lower()] = value
    return table


def vocabulary_code(choices: type[models.TextChoices], raw: str) -> str | None:
    """The stored code for a spreadsheet value, or None when it is not in the vocabulary."""
    return _lookup(choices).get((raw or "").strip().lower())


def chinese_labels(choices: type[models.TextChoices]) -> list[str]:
    with translation.override("zh-hans"):
        return [str(label) for label in choices.labels]
