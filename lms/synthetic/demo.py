"""The demo province (示范省): a small tree, ~300 teachers and one account per role, built idempotently."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from lms.identity import id_number_hash
from lms.idcard import make_id_number
from lms.models import Organisation, OrganisationKind, Role, Teacher
from lms.services import TeacherInput, organisation_create, role_grant, teacher_create
from lms.vocab import SchoolStage

from .names import city_name, county_name, person_name
from .people import (
    DEMO_QUALIFICATION_SERIALS,
    QUALIFICATION_SHARE,
    pick_subject,
    pick_title,
    posting_start,
    qualification_number,
    random_birth_date,
)

DEMO_PASSWORD = "Demo-Passw0rd!"
PROVINCE_CODE = "990000"
PROVINCE_NAME = "示范省"
CITY_COUNT = 3
COUNTIES_PER_CITY = 2
TEACHER_COUNT = 300
SEED = 20_240_901
SUPERUSER = "superuser"

# (code suffix, name suffix, stage); each county gets four, rotating through the last ones.
SCHOOL_TEMPLATES: tuple[tuple[str, str, str], ...] = (
    ("0001", "第一小学", SchoolStage.PRIMARY),
    ("0002", "实验中学", SchoolStage.JUNIOR),
    ("0003", "中心幼儿园", SchoolStage.KINDERGARTEN),
    ("0004", "第一高级中学", SchoolStage.SENIOR),
    ("0005", "职业技术学校", SchoolStage.VOCATIONAL),
    ("0006", "特殊教育学校", SchoolStage.SPECIAL),
)


@dataclass
class DemoProvince:
    province: Organisation
    cities: list[Organisation] = field(default_factory=list)
    counties: list[Organisation] = field(default_factory=list)
    schools: list[Organisation] = field(default_factory=list)
    institutions: list[Organisation] = field(default_factory=list)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    organisation: Organisation | None

    @property
    def role_label(self) -> str:
        return "Django superuser" if self.role == SUPERUSER else str(Role(self.role).label)

    @property
    def where(self) -> str:
        return "全部 (everything)" if self.organisation is None else str(self.organisation)


@dataclass
class DemoResult:
    accounts: list[DemoAccount]
    created_organisations: int = 0
    created_teachers: int = 0
    created_users: int = 0


def _ensure_org(result: DemoResult, *, parent: Organisation | None, kind: str, code: str, name: str) -> Organisation:
    existing = Organisation.objects.filter(code=code).first()
    if existing is not None:
        return existing
    result.created_organisations += 1
    return organisation_create(parent=parent, kind=kind, code=code, name=name)


def _school_templates(county_index: int) -> list[tuple[str, str, str]]:
    rest = SCHOOL_TEMPLATES[2:]
    return [*SCHOOL_TEMPLATES[:2], rest[county_index % len(rest)], rest[(county_index + 1) % len(rest)]]


def build_tree(result: DemoResult) -> DemoProvince:
    province = _ensure_org(
        result, parent=None, kind=OrganisationKind.PROVINCE, code=PROVINCE_CODE, name=PROVINCE_NAME
    )
    tree = DemoProvince(province=province)
    for c in range(CITY_COUNT):
        city_code = f"{PROVINCE_CODE[:2]}{c + 1:02d}00"
        city = _ensure_org(result, parent=province, kind=OrganisationKind.CITY, code=city_code, name=city_name(c))
        tree.cities.append(city)
        for k in range(COUNTIES_PER_CITY):
            county_index = c * COUNTIES_PER_CITY + k
            county = _ensure_org(
                result, parent=city, kind=OrganisationKind.COUNTY,
                code=f"{city_code[:4]}{k + 1:02d}", name=county_name(county_index),
            )
            tree.counties.append(county)
            for suffix, name, _stage in _school_templates(county_index):
                tree.schools.append(
                    _ensure_org(
                        result, parent=county, kind=OrganisationKind.SCHOOL,
                        code=f"{county.code}{suffix}", name=f"{county.name}{name}",
                    )
                )
    tree.institutions = [
        _ensure_org(result, parent=province, kind=OrganisationKind.INSTITUTION, code="JG990000", name="示范省教师发展中心"),
        _ensure_org(
            result, parent=tree.cities[0], kind=OrganisationKind.INSTITUTION,
            code="JG990100", name=f"{tree.cities[0].name}教师进修学校",
        ),
    ]
    return tree


def _school_stage(school: Organisation) -> str:
    for suffix, _name, stage in SCHOOL_TEMPLATES:
        if school.code.endswith(suffix):
            return stage
    return SchoolStage.PRIMARY


def demo_teacher_input(number: int, school: Organisation, today: dt.date) -> tuple[TeacherInput, dt.date]:
    """Teacher `number` of the demo: the same person every run (its own seeded generator)."""
    rng = random.Random(SEED * 1000 + number)
    gender = rng.choice("MF")
    birth = random_birth_date(rng)
    area_code = school.code[:6]
    id_number = make_id_number(area_code, birth, 2 * number + (1 if gender == "M" else 0))
    stage = _school_stage(school)
    title, conferred = pick_title(rng, birth, today)
    qualification = ""
    if rng.random() < QUALIFICATION_SHARE:
        qualification = qualification_number(
            birth_date=birth, area_code=area_code, stage=stage, gender=gender,
            serial=DEMO_QUALIFICATION_SERIALS + number,
        )
    data = TeacherInput(
        real_name=person_name(rng, gender), id_number=id_number, school=school, stage=stage,
        subject=pick_subject(rng, stage), title=title, title_conferred_on=conferred,
        qualification_number=qualification,
    )
    return data, posting_start(rng, birth, today)


def build_teachers(result: DemoResult, schools: list[Organisation]) -> Teacher:
    """Spread TEACHER_COUNT teachers over the schools; returns teacher 0 (first school), the demo teacher."""
    today = timezone.localdate()
    per_school, extra = divmod(TEACHER_COUNT, len(schools))
    number = 0
    first: Teacher | None = None
    for index, school in enumerate(schools):
        for _ in range(per_school + (1 if index < extra else 0)):
            data, started_on = demo_teacher_input(number, school, today)
            teacher = Teacher.objects.filter(id_number_hash=id_number_hash(data.id_number)).first()
            if teacher is None:
                if data.qualification_number and Teacher.objects.filter(
                    qualification_number=data.qualification_number
                ).exists():  # someone else holds it (a roster import, say): the demo teacher goes without
                    data = dataclasses.replace(data, qualification_number="")
                teacher = teacher_create(data=data, started_on=started_on)
                result.created_teachers += 1
            first = first or teacher
            number += 1
    assert first is not None
    return first


def _ensure_user(result: DemoResult, username: str, *, superuser: bool = False) -> User:
    users = get_user_model()
    user = users.objects.filter(username=username).first()
    if user is not None:
        return user
    result.created_users += 1
    if superuser:
        return users.objects.create_superuser(username=username, email="", password=DEMO_PASSWORD)
    return users.objects.create_user(username=username, password=DEMO_PASSWORD)


def _bind_demo_teacher(result: DemoResult, teacher: Teacher) -> None:
    """The `teacher` account is teacher 0's own account, renamed, with the demo password."""
    if get_user_model().objects.filter(username="teacher").exists():
        return
    user = teacher.user
    user.username = "teacher"
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["username", "password"])
    result.created_users += 1


def build_accounts(result: DemoResult, tree: DemoProvince, demo_teacher: Teacher) -> list[DemoAccount]:
    county = tree.counties[0]
    school = next(s for s in tree.schools if s.path.startswith(county.path))
    accounts = [
        DemoAccount("province_admin", Role.PROVINCE_ADMIN, tree.province),
        DemoAccount("city_admin", Role.CITY_ADMIN, tree.cities[0]),
        DemoAccount("county_admin", Role.COUNTY_ADMIN, county),
        DemoAccount("school_admin", Role.SCHOOL_ADMIN, school),
        DemoAccount("editor", Role.INSTITUTION_EDITOR, tree.institutions[0]),
        DemoAccount("reviewer", Role.REVIEWER, tree.province),
        DemoAccount("reviewer2", Role.REVIEWER, tree.province),
        DemoAccount("reviewer3", Role.REVIEWER, tree.province),
        DemoAccount("personnel", Role.PERSONNEL_OFFICER, tree.cities[0]),
    ]
    for account in accounts:
        assert account.organisation is not None
        role_grant(user=_ensure_user(result, account.username), role=account.role, organisation=account.organisation)
    _bind_demo_teacher(result, demo_teacher)
    _ensure_user(result, "admin", superuser=True)
    return [
        *accounts,
        DemoAccount("teacher", Role.TEACHER, demo_teacher.school),
        DemoAccount("admin", SUPERUSER, None),
    ]


@transaction.atomic
def seed_demo() -> DemoResult:
    """Build (or complete) the demo province; a second run finds everything in place and changes nothing."""
    result = DemoResult(accounts=[])
    tree = build_tree(result)
    demo_teacher = build_teachers(result, tree.schools)
    result.accounts = build_accounts(result, tree, demo_teacher)
    return result


def accounts_table(accounts: list[DemoAccount]) -> list[str]:
    rows = [("username", "role", "where")] + [(a.username, a.role_label, a.where) for a in accounts]
    widths = [max(_width(row[i]) for row in rows) for i in range(3)]
    return ["  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
