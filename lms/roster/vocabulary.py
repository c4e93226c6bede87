"""Vocabulary values in a roster: lms.vocab first, then the usual Chinese spellings found in school files."""

from __future__ import annotations

from functools import lru_cache

from django.db import models

from lms.vocab import EmploymentStatus, Gender, SchoolStage, Subject, Title, vocabulary_code

# Data, not UI text: what Chinese school rosters write, whatever the interface language.
# The first spelling of each code is the one the template's example row uses.
CHINESE_SPELLINGS: dict[type[models.TextChoices], dict[str, str]] = {
    Gender: {"男": Gender.MALE, "女": Gender.FEMALE},
    SchoolStage: {
        "幼儿园": SchoolStage.KINDERGARTEN,
        "学前": SchoolStage.KINDERGARTEN,
        "小学": SchoolStage.PRIMARY,
        "初中": SchoolStage.JUNIOR,
        "初级中学": SchoolStage.JUNIOR,
        "高中": SchoolStage.SENIOR,
        "高级中学": SchoolStage.SENIOR,
        "中职": SchoolStage.VOCATIONAL,
        "中等职业学校": SchoolStage.VOCATIONAL,
        "特殊教育": SchoolStage.SPECIAL,
        "特教": SchoolStage.SPECIAL,
    },
    Subject: {
        "语文": Subject.CHINESE,
        "数学": Subject.MATHS,
        "英语": Subject.ENGLISH,
        "物理": Subject.PHYSICS,
        "化学": Subject.CHEMISTRY,
        "生物": Subject.BIOLOGY,
        "历史": Subject.HISTORY,
        "地理": Subject.GEOGRAPHY,
        "道德与法治": Subject.MORALITY,
        "科学": Subject.SCIENCE,
        "信息技术": Subject.IT,
        "音乐": Subject.MUSIC,
        "美术": Subject.ART,
        "体育": Subject.PE,
        "体育与健康": Subject.PE,
        "心理健康": Subject.PSYCHOLOGY,
        "通用技术": Subject.GENERAL_TECH,
        "其他": Subject.OTHER,
    },
    Title: {
        "未定级": Title.NONE,
        "三级教师": Title.THIRD,
        "三级": Title.THIRD,
        "二级教师": Title.SECOND,
        "二级": Title.SECOND,
        "一级教师": Title.FIRST,
        "一级": Title.FIRST,
        "高级教师": Title.SENIOR,
        "高级": Title.SENIOR,
        "正高级教师": Title.PROFESSOR,
        "正高级": Title.PROFESSOR,
    },
    EmploymentStatus: {
        "在职": EmploymentStatus.ACTIVE,
        "在岗": EmploymentStatus.ACTIVE,
        "休假": EmploymentStatus.LEAVE,
        "离岗": EmploymentStatus.LEAVE,
        "退休": EmploymentStatus.RETIRED,
        "离职": EmploymentStatus.LEFT,
    },
}


@lru_cache(maxsize=4096)  # a roster repeats a handful of values 100,000 times
def roster_code(choices: type[models.TextChoices], raw: str) -> str | None:
    """The stored code for a cell: code, English or (translated) Chinese label, or a usual Chinese spelling."""
    code = vocabulary_code(choices, raw) or CHINESE_SPELLINGS[choices].get((raw or "").strip())
    return None if code is None else str(code)  # a plain str, never the enum member


def chinese_spelling(choices: type[models.TextChoices], code: str) -> str:
    return next(text for text, value in CHINESE_SPELLINGS[choices].items() if value == code)


def allowed_labels(choices: type[models.TextChoices]) -> str:
    """The labels in the current interface language, for an error message."""
    return "、".join(str(label) for label in choices.labels)
