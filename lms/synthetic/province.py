"""The shape of a generated province, computed without the database: codes, names and treebeard paths.

Organisation is a treebeard MP_Node: a node's path is its parent's path plus its 1-based position
among its siblings, written in the model's alphabet and padded to `steplen` characters.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from lms.models import Organisation, OrganisationKind

from .names import city_name, county_name, ordinal
from .people import pick_stage

MAX_SCHOOLS = 20_000
MAX_CITIES = 12
SCHOOLS_PER_COUNTY = 150
SCHOOL_SUFFIX = {
    "primary": "小学", "junior": "初级中学", "senior": "高级中学",
    "kindergarten": "幼儿园", "vocational": "职业技术学校", "special": "特殊教育学校",
}


@dataclass(frozen=True)
class NodeSpec:
    path: str
    depth: int
    numchild: int
    kind: str
    code: str
    name: str


@dataclass(frozen=True)
class SchoolSpec:
    code: str
    area_code: str  # the county's 6-digit code, used in its teachers' ID numbers
    stage: str
    teachers: int


@dataclass(frozen=True)
class ProvinceLayout:
    nodes: list[NodeSpec]
    schools: list[SchoolSpec]


def default_school_count(teachers: int) -> int:
    return min(MAX_SCHOOLS, max(10, teachers // 50))


def step(index: int) -> str:
    """The path segment of the index-th child (1-based): treebeard's numbering in its alphabet."""
    alphabet, width = Organisation.alphabet, Organisation.steplen
    digits = ""
    while index:
        index, remainder = divmod(index, len(alphabet))
        digits = alphabet[remainder] + digits
    if len(digits) > width:
        raise ValueError("too many children for one node")
    return digits.rjust(width, alphabet[0])


def next_root_step() -> int:
    """Position for a new root after the existing ones (other provinces may already be there)."""
    last = Organisation.get_last_root_node()
    if last is None:
        return 1
    return Organisation.numconv_obj().str2int(last.path[: Organisation.steplen]) + 1


def school_sizes(teachers: int, schools: int, rng: random.Random) -> list[int]:
    """Teachers per school: skewed (a few big schools, many small), summing exactly to `teachers`."""
    weights = [rng.lognormvariate(0.0, 0.6) for _ in range(schools)]
    total = sum(weights)
    exact = [teachers * w / total for w in weights]
    sizes = [math.floor(x) for x in exact]
    by_remainder = sorted(range(schools), key=lambda i: exact[i] - sizes[i], reverse=True)
    for i in by_remainder[: teachers - sum(sizes)]:
        sizes[i] += 1
    return sizes


def _county_count(schools: int, cities: int) -> int:
    return max(cities, min(cities * 99, math.ceil(schools / SCHOOLS_PER_COUNTY)))


def plan_province(*, province_code: str, root_step: int, teachers: int, schools: int, seed: int) -> ProvinceLayout:
    """Province → ~12 cities → counties (round-robin over cities) → schools (round-robin over counties)."""
    if not (province_code.isdigit() and len(province_code) == 6 and province_code.endswith("0000")):
        raise ValueError("the province code is 6 digits ending in 0000, e.g. 980000")
    if not 1 <= schools <= MAX_SCHOOLS:
        raise ValueError(f"schools must be between 1 and {MAX_SCHOOLS}")
    rng = random.Random(seed)
    prefix = province_code[:2]
    n_cities = min(MAX_CITIES, schools)
    n_counties = _county_count(schools, n_cities)
    county_of_city = [list(range(c, n_counties, n_cities)) for c in range(n_cities)]
    schools_of_county = [list(range(k, schools, n_counties)) for k in range(n_counties)]
    sizes = school_sizes(teachers, schools, rng)

    root = step(root_step)
    nodes = [NodeSpec(root, 1, n_cities, OrganisationKind.PROVINCE, province_code, "示范生成省")]
    school_specs: list[SchoolSpec | None] = [None] * schools
    for c, counties in enumerate(county_of_city):
        city_code = f"{prefix}{c + 1:02d}00"
        city_path = root + step(c + 1)
        nodes.append(NodeSpec(city_path, 2, len(counties), OrganisationKind.CITY, city_code, city_name(c)))
        for position, k in enumerate(counties, start=1):
            county_code = f"{city_code[:4]}{position:02d}"
            county_path = city_path + step(position)
            members = schools_of_county[k]
            cname = county_name(k)
            nodes.append(NodeSpec(county_path, 3, len(members), OrganisationKind.COUNTY, county_code, cname))
            for number, s in enumerate(members, start=1):
                stage = pick_stage(rng)
                code = f"{county_code}{number:04d}"
                name = f"{cname}第{ordinal(number)}{SCHOOL_SUFFIX[stage]}" if number <= 99 else f"{cname}{number}号学校"
                nodes.append(NodeSpec(county_path + step(number), 4, 0, OrganisationKind.SCHOOL, code, name))
                school_specs[s] = SchoolSpec(code=code, area_code=county_code, stage=stage, teachers=sizes[s])
    return ProvinceLayout(nodes=nodes, schools=[s for s in school_specs if s is not None])
