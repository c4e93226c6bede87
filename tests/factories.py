"""Builders for test data: a small province tree, users with roles, teachers with valid ID numbers."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from lms.idcard import make_id_number
from lms.models import Organisation, OrganisationKind, Role, Teacher
from lms.services import TeacherInput, organisation_create, role_grant, teacher_create
from lms.vocab import SchoolStage, Subject, Title

PASSWORD = "Demo-Passw0rd!"
_sequence = itertools.count(1)


@dataclass
class Tree:
    province: Organisation
    city_a: Organisation
    city_b: Organisation
    county_a1: Organisation
    county_a2: Organisation
    county_b1: Organisation
    school_a1_1: Organisation
    school_a1_2: Organisation
    school_a2_1: Organisation
    school_b1_1: Organisation
    institution: Organisation


def ensure_site_tree() -> None:
    """The records the migrations create (page root, home page, default site, root collection, the default
    hours policy). A transactional test's flush can
    leave them out (serialized rollback does not always restore them after a live-server test), and the
    catalog hangs under the home page."""
    from wagtail.models import Collection, Locale, Page, Site

    from cms.models import HomePage

    from courses.models import HoursPolicy

    _content_types_ensure()
    HoursPolicy.objects.get_or_create(
        version=1,
        defaults={"name": "继续教育学时默认规则", "effective_from": dt.date(2021, 1, 1), "kind_caps": {"recognised": "72"}},
    )
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    # The cached site root paths may name a site of an earlier test's database state.
    Site.clear_site_root_paths_cache()
    if Site.objects.filter(is_default_site=True).exists():
        return
    locale = Locale.objects.get_or_create(language_code="zh-hans")[0]
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    home = root.add_child(instance=HomePage(title="教师信息技术应用能力培训与认证平台", slug="home", locale=locale))
    Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name=home.title)


def _content_types_ensure() -> None:
    """Content types and permissions, as post_migrate makes them: the flush after a serialized-rollback test
    (a PostgreSQL race test, say) leaves them out, and a live-server test that follows it is not restored."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes
    from django.contrib.contenttypes.models import ContentType

    if ContentType.objects.exists():
        return
    ContentType.objects.clear_cache()  # it names the rows the flush removed
    for app_config in apps.get_app_configs():
        create_contenttypes(app_config, verbosity=0)
        create_permissions(app_config, verbosity=0)


def build_tree() -> Tree:
    ensure_site_tree()
    province = organisation_create(parent=None, kind=OrganisationKind.PROVINCE, code="990000", name="示范省")
    city_a = organisation_create(parent=province, kind=OrganisationKind.CITY, code="990100", name="甲市")
    city_b = organisation_create(parent=province, kind=OrganisationKind.CITY, code="990200", name="乙市")
    county_a1 = organisation_create(parent=city_a, kind=OrganisationKind.COUNTY, code="990101", name="甲一县")
    county_a2 = organisation_create(parent=city_a, kind=OrganisationKind.COUNTY, code="990102", name="甲二区")
    county_b1 = organisation_create(parent=city_b, kind=OrganisationKind.COUNTY, code="990201", name="乙一县")
    school = OrganisationKind.SCHOOL
    return Tree(
        province=province,
        city_a=city_a,
        city_b=city_b,
        county_a1=county_a1,
        county_a2=county_a2,
        county_b1=county_b1,
        school_a1_1=organisation_create(parent=county_a1, kind=school, code="9901010001", name="甲一县第一小学"),
        school_a1_2=organisation_create(parent=county_a1, kind=school, code="9901010002", name="甲一县实验中学"),
        school_a2_1=organisation_create(parent=county_a2, kind=school, code="9901020001", name="甲二区第一中学"),
        school_b1_1=organisation_create(parent=county_b1, kind=school, code="9902010001", name="乙一县第一小学"),
        institution=organisation_create(
            parent=province, kind=OrganisationKind.INSTITUTION, code="JG0001", name="示范教师培训中心"
        ),
    )


def new_id_number(*, area_code: str = "110101", birth: dt.date = dt.date(1985, 3, 14)) -> str:
    n = next(_sequence)
    return make_id_number(area_code, birth + dt.timedelta(days=n // 1000), n % 1000)


def make_teacher(*, school: Organisation, real_name: str = "张老师", **overrides: object) -> Teacher:
    fields: dict[str, object] = {
        "real_name": real_name,
        "id_number": new_id_number(),
        "school": school,
        "stage": SchoolStage.PRIMARY,
        "subject": Subject.MATHS,
        "title": Title.SECOND,
        "title_conferred_on": dt.date(2015, 9, 1),
        "qualification_number": "",
    }
    fields.update(overrides)
    return teacher_create(data=TeacherInput(**fields))  # type: ignore[arg-type]


def make_user(username: str, *, role: str | None = None, organisation: Organisation | None = None):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    if role is not None:
        assert organisation is not None
        role_grant(user=user, role=role, organisation=organisation)
    return user


__all__ = ["PASSWORD", "Role", "Tree", "build_tree", "make_teacher", "make_user", "new_id_number"]
