"""Frameworks as data: import all-or-nothing with row numbers, immutable versions, round trips, the shipped
standards and the framework_import / framework_export commands."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.frameworks import importing
from assessments.models import CapabilityFramework, FrameworkNode, NodeKind
from assessments.services import (
    framework_2_0_core_ensure,
    framework_2_0_ensure,
    framework_2014_ensure,
    framework_export_rows,
    framework_import,
    framework_rows_from_csv,
    framework_rows_from_json,
    framework_rows_to_csv,
    framework_to_csv,
    framework_to_json,
)

pytestmark = pytest.mark.django_db

SMALL_CSV = """kind,code,name,parent
tier,T1,第一层,
dimension,D1,维度一,T1
competency,C1,能力一,D1
competency,C2,能力二,D1
dimension,D2,维度二,T1
competency,C3,能力三,D2
"""


def node(kind: str, code: str, name: str, parent: str = "") -> dict[str, str]:
    return {"kind": kind, "code": code, "name": name, "parent": parent}


def small_rows() -> list[dict[str, str]]:
    return framework_rows_from_csv(SMALL_CSV)


def plain(rows: list[dict]) -> list[tuple[str, str, str, str]]:
    return [(row["kind"], row["code"], row["name"], row["parent"]) for row in rows]


def refusal(**kwargs) -> list[str]:
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        framework_import(**kwargs)
    return caught.value.messages


# ---- refusals: every problem, with its row, nothing written ----


def test_every_problem_is_reported_with_its_row_and_nothing_is_written():
    text = (
        "kind,code,name,parent\n"
        "tier,T1,第一层,\n"  # row 2: fine
        "layer,X1,未知,T1\n"  # row 3: unknown kind
        "dimension,,无代码,T1\n"  # row 4: empty code
        "dimension,D1,,T1\n"  # row 5: empty name
        "dimension,D1,重复,T1\n"  # row 6: duplicate code
        "competency,C1,先于父节点,D9\n"  # row 7: parent defined later
        "competency,C2,未知父节点,NOPE\n"  # row 8: unknown parent
        "competency,C3,直接在层下,T1\n"  # row 9: competency under a tier
        "dimension,D2,维度在维度下,D1\n"  # row 10: dimension under a dimension
        "tier,T2,有父节点的层,T1\n"  # row 11: a tier with a parent
        "dimension,D9,维度九,T1\n"  # row 12: fine
        "competency,C4,没有父节点,\n"  # row 13: no parent
        "competency,C5,自己是父节点,C5\n"  # row 14: its own parent
    )
    messages = refusal(code="X", version=1, name="Broken", rows=framework_rows_from_csv(text))
    expected = [
        ("row 3:", 'unknown kind "layer"'),
        ("row 4:", "the code is empty"),
        ("row 5:", "the name is empty"),
        ("row 6:", 'the code "D1" is already used on row 5'),
        ("row 7:", 'the parent "D9" must come before this row (it is on row 12)'),
        ("row 8:", 'the parent "NOPE" is not defined'),
        ("row 9:", 'a competency must sit under a dimension, but "T1" is a tier'),
        ("row 10:", 'a dimension must sit under a tier, but "D1" is a dimension'),
        ("row 11:", "a tier sits at the top and has no parent"),
        ("row 13:", "a competency needs a parent dimension"),
        ("row 14:", "a node cannot be its own parent"),
    ]
    for prefix, text_part in expected:
        assert any(m.startswith(prefix) and text_part in m for m in messages), (prefix, text_part, messages)
    assert len(messages) == len(expected)
    assert not any(m.startswith("row 2:") or m.startswith("row 12:") for m in messages)
    assert CapabilityFramework.objects.count() == 0
    assert FrameworkNode.objects.count() == 0


def test_a_too_long_code_or_name_is_refused_before_the_database_sees_it():
    rows = [node("tier", "T" * 41, "层"), node("tier", "T2", "名" * 201)]
    messages = refusal(code="X", version=1, name="Long", rows=rows)
    assert messages == ["row 1: the code is longer than 40 characters", "row 2: the name is longer than 200 characters"]


def test_an_empty_framework_and_a_bad_header_are_refused():
    messages = refusal(code=" ", version=0, name="", rows=[])
    assert messages == [
        "The framework code is empty.",
        "The version must be a whole number of at least 1.",
        "The framework name is empty.",
        "The framework has no nodes.",
    ]
    assert CapabilityFramework.objects.count() == 0


def test_a_bad_row_leaves_even_a_valid_earlier_version_alone():
    first = framework_import(code="X", version=1, name="X", rows=small_rows())
    rows = small_rows() + [node("competency", "C9", "", "D1")]
    assert refusal(code="X", version=2, name="X", rows=rows) == [f"row {len(rows)}: the name is empty"]
    first.refresh_from_db()
    assert first.is_current
    assert list(CapabilityFramework.objects.values_list("version", flat=True)) == [1]


# ---- versions: idempotent, immutable, new versions leave old nodes alone ----


def test_importing_the_same_content_again_returns_the_same_version():
    first = framework_import(code="X", version=1, name="X", rows=small_rows())
    nodes = FrameworkNode.objects.count()
    again = framework_import(code="X", version=1, name="X", rows=small_rows())
    assert again.pk == first.pk
    assert FrameworkNode.objects.count() == nodes == 6


def test_an_existing_version_with_other_content_is_refused_and_kept():
    framework_import(code="X", version=1, name="X", rows=small_rows())
    changed = small_rows()
    changed[2]["name"] = "能力一（改）"
    (message,) = refusal(code="X", version=1, name="X", rows=changed)
    assert "Version 1 of framework X already exists with other content" in message
    assert "row 4 differs: stored as competency, C1, 能力一, D1" in message and "new version number" in message
    shorter = small_rows()[:-1]
    assert "the stored version has 6 nodes, the file 5" in refusal(code="X", version=1, name="X", rows=shorter)[0]
    assert 'the stored name is "X"' in refusal(code="X", version=1, name="Y", rows=small_rows())[0]
    assert FrameworkNode.objects.get(code="C1").name == "能力一"
    assert FrameworkNode.objects.count() == 6


def test_a_new_version_leaves_the_old_nodes_untouched_and_becomes_current():
    old = framework_import(code="X", version=1, name="X", rows=small_rows())
    old_nodes = list(FrameworkNode.objects.filter(framework=old).values_list("pk", "code", "name", "parent_id"))
    renamed = small_rows()
    renamed[2]["name"] = "能力一（新）"
    new = framework_import(code="X", version=2, name="X", rows=renamed)
    old.refresh_from_db()
    assert (old.is_current, new.is_current) == (False, True)
    assert list(FrameworkNode.objects.filter(framework=old).values_list("pk", "code", "name", "parent_id")) == old_nodes
    renamed_node = FrameworkNode.objects.select_related("parent").get(framework=new, code="C1")
    assert renamed_node.name == "能力一（新）"
    assert renamed_node.parent is not None and renamed_node.parent.framework_id == new.pk


def test_a_version_imported_as_not_current_keeps_the_current_one():
    old = framework_import(code="X", version=1, name="X", rows=small_rows())
    draft = framework_import(code="X", version=2, name="X", rows=small_rows(), make_current=False)
    old.refresh_from_db()
    assert (old.is_current, draft.is_current) == (True, False)


def test_a_version_created_concurrently_is_compared_not_duplicated(monkeypatch):
    first = framework_import(code="X", version=1, name="X", rows=small_rows())
    monkeypatch.setattr(importing, "_stored", lambda **kwargs: None)  # the other import committed after our look
    assert framework_import(code="X", version=1, name="X", rows=small_rows()).pk == first.pk
    changed = small_rows()[:-1]
    with pytest.raises(ValidationError):
        framework_import(code="X", version=1, name="X", rows=changed)
    assert FrameworkNode.objects.count() == 6


def test_the_tree_is_stored_with_parents_and_order():
    framework = framework_import(code="X", version=1, name="X", rows=small_rows())
    nodes = {n.code: n for n in FrameworkNode.objects.filter(framework=framework)}
    assert nodes["C3"].parent == nodes["D2"] and nodes["D2"].parent == nodes["T1"] and nodes["T1"].parent is None
    assert [n.code for n in FrameworkNode.objects.filter(framework=framework)] == ["T1", "D1", "C1", "C2", "D2", "C3"]
    assert nodes["C1"].kind == NodeKind.COMPETENCY


# ---- formats and round trips ----


def test_csv_with_bom_windows_line_endings_spaces_and_extra_columns_is_read():
    text = "\ufeff Kind , code ,name, parent ,note\r\n tier , T1 , 第一层 , ,x\r\n\r\ndimension,D1, 维度一 ,T1,\r\n"
    rows = framework_rows_from_csv(text)
    assert plain(rows) == [("tier", "T1", "第一层", ""), ("dimension", "D1", "维度一", "T1")]
    assert [row["row"] for row in rows] == [2, 4]


def test_a_csv_missing_a_column_or_empty_is_refused_clearly():
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        framework_rows_from_csv("kind,code,name\ntier,T1,层\n")
    assert caught.value.messages == ["The CSV file has no column parent (the header must name kind, code, name, parent)."]
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        framework_rows_from_csv("")
    assert "empty" in caught.value.messages[0]


def test_csv_round_trip_gives_an_identical_tree():
    framework = framework_import(code="X", version=1, name="X", rows=small_rows())
    text = framework_to_csv(framework)
    assert text == SMALL_CSV.replace("\n", "\r\n")
    copy = framework_import(code="Y", version=1, name="X", rows=framework_rows_from_csv(text))
    assert framework_export_rows(copy) == framework_export_rows(framework)


def test_json_round_trip_gives_an_identical_tree():
    framework = framework_import(code="X", version=3, name="名称", rows=small_rows())
    document = json.loads(json.dumps(framework_to_json(framework), ensure_ascii=False))
    assert (document["code"], document["version"], document["name"]) == ("X", 3, "名称")
    copy = framework_import(code="Y", version=1, name="名称", rows=framework_rows_from_json(document))
    assert framework_export_rows(copy) == framework_export_rows(framework)


def test_nested_json_is_read_with_parents_from_the_nesting():
    document = {
        "nodes": [
            {"kind": "tier", "code": "T1", "name": "层", "children": [
                {"kind": "dimension", "code": "D1", "name": "维度", "children": [
                    {"kind": "competency", "code": "C1", "name": "能力"},
                ]},
            ]},
            {"kind": "tier", "code": "T2", "name": "层二"},
        ]
    }
    rows = framework_rows_from_json(json.dumps(document))
    assert plain(rows) == [
        ("tier", "T1", "层", ""), ("dimension", "D1", "维度", "T1"), ("competency", "C1", "能力", "D1"),
        ("tier", "T2", "层二", ""),
    ]
    assert [row["row"] for row in rows] == [1, 2, 3, 4]


def test_bad_json_shapes_are_refused_with_their_rows():
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            framework_rows_from_json({"code": "X"})
        assert '"nodes" list' in caught.value.messages[0]
        with pytest.raises(ValidationError) as caught:
            framework_rows_from_json([{"kind": "tier", "code": "T", "name": "n", "children": "x"}, "oops"])
        assert caught.value.messages == ['row 1: "children" must be a list', "row 2: a node must be an object"]
        with pytest.raises(ValidationError):
            framework_rows_from_json("{not json")


cell = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), min_size=1, max_size=12).map(
    str.strip
).filter(bool)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(list(NodeKind.values)), cell, cell, st.just("") | cell), max_size=8))
def test_csv_text_round_trips_any_cells(cells):
    rows = [node(*values) for values in cells]
    assert plain(framework_rows_from_csv(framework_rows_to_csv(rows))) == plain(rows)


# ---- the shipped standards ----


def test_the_2014_standard_has_two_tiers_ten_dimensions_and_fifty_items():
    framework = framework_2014_ensure()
    rows = framework_export_rows(framework)
    parent = {row["code"]: row["parent"] for row in rows}
    assert Counter(row["kind"] for row in rows) == {"tier": 2, "dimension": 10, "competency": 50}
    tiers = {row["code"]: row["name"] for row in rows if row["kind"] == "tier"}
    assert tiers == {"I": "应用信息技术优化课堂教学", "II": "应用信息技术转变学习方式"}
    for tier in tiers:
        dimensions = [(row["code"], row["name"]) for row in rows if row["kind"] == "dimension" and row["parent"] == tier]
        assert dimensions == [
            (f"{tier}-1", "技术素养"), (f"{tier}-2", "计划与准备"), (f"{tier}-3", "组织与管理"),
            (f"{tier}-4", "评估与诊断"), (f"{tier}-5", "学习与发展"),
        ]
        items = [row for row in rows if row["kind"] == "competency" and parent[row["parent"]] == tier]
        per_dimension = Counter(row["parent"] for row in items)
        assert [per_dimension[f"{tier}-{d}"] for d in range(1, 6)] == [5, 6, 5, 4, 5]
        assert all(row["code"].startswith(row["parent"] + "-") for row in items)
    learning = [[row["name"] for row in rows if row["parent"] == f"{tier}-5"] for tier in tiers]
    assert learning[0] == learning[1]  # 学习与发展 is the same in both tiers
    assert framework_2014_ensure().pk == framework.pk
    assert FrameworkNode.objects.filter(framework=framework).count() == 62


def test_the_full_2_0_framework_has_three_environments_four_dimensions_thirty_points():
    framework = framework_2_0_ensure()
    rows = framework_export_rows(framework)
    kind_of = {row["code"]: row["kind"] for row in rows}
    parent = {row["code"]: row["parent"] for row in rows}
    environments = {row["code"]: row["name"] for row in rows if row["kind"] == "tier"}
    assert environments == {"A": "多媒体教学环境", "B": "混合学习环境", "C": "智慧学习环境"}
    for code in environments:
        dimensions = [(row["code"], row["name"]) for row in rows if row["kind"] == "dimension" and row["parent"] == code]
        assert dimensions == [
            (f"{code}-D1", "学情分析"), (f"{code}-D2", "教学设计"), (f"{code}-D3", "学法指导"), (f"{code}-D4", "学业评价"),
        ]
    points = [row for row in rows if row["kind"] == "competency"]
    expected = [f"A{i}" for i in range(1, 14)] + [f"B{i}" for i in range(1, 11)] + [f"C{i}" for i in range(1, 8)]
    assert [row["code"] for row in points] == expected
    assert all(kind_of[row["parent"]] == "dimension" and parent[row["parent"]] == row["code"][0] for row in points)
    names = {row["code"]: row["name"] for row in points}
    assert (names["A1"], names["A3"], names["A6"], names["B6"]) == (
        "技术支持的学情分析", "演示文稿设计与制作", "技术支持的课堂讲授", "技术支持的展示交流",
    )
    assert framework_2_0_ensure().pk == framework.pk


def test_the_full_2_0_is_a_new_version_that_leaves_the_core_and_its_nodes_alone():
    core = framework_2_0_core_ensure()
    core_nodes = list(FrameworkNode.objects.filter(framework=core).values_list("pk", "code", "name", "parent_id"))
    full = framework_2_0_ensure()
    core.refresh_from_db()
    assert (core.code, core.version, full.code, full.version) == ("2.0", 1, "2.0", 2)
    assert (core.is_current, full.is_current) == (False, True)
    assert list(FrameworkNode.objects.filter(framework=core).values_list("pk", "code", "name", "parent_id")) == core_nodes
    # Loading the core again (the demo does) neither changes it nor takes "current" from the full version.
    assert framework_2_0_core_ensure().pk == core.pk
    full.refresh_from_db()
    assert full.is_current


def test_the_core_loaded_after_the_full_2_0_does_not_become_current():
    full = framework_2_0_ensure()
    core = framework_2_0_core_ensure()
    full.refresh_from_db()
    assert (core.is_current, full.is_current) == (False, True)
    assert FrameworkNode.objects.filter(framework=core, code__in=["A1", "A3", "A6", "B6"]).count() == 4


# ---- the commands ----


def run(command: str, *args: str, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command(command, *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_framework_import_command_imports_a_csv_and_is_idempotent(tmp_path: Path):
    path = tmp_path / "small.csv"
    path.write_text(SMALL_CSV, encoding="utf-8")
    out, _ = run("framework_import", str(path), "--code", "S", "--version", "1", "--name", "小框架")
    assert out == "S v1 小框架 imported: 6 nodes (current)\n"
    out, _ = run("framework_import", str(path), "--code", "S", "--version", "1", "--name", "小框架")
    assert out == "S v1 小框架 was already imported, unchanged: 6 nodes (current)\n"
    out, _ = run("framework_import", str(path), "--code", "S", "--version", "2", "--name", "小框架", "--not-current")
    assert out == "S v2 小框架 imported: 6 nodes\n"
    assert CapabilityFramework.objects.get(code="S", is_current=True).version == 1


def test_framework_import_command_refuses_a_bad_file_listing_every_row(tmp_path: Path):
    path = tmp_path / "bad.csv"
    path.write_bytes("kind,code,name,parent\r\ntier,T1,层,\r\nbogus,X,名,T1\r\ncompetency,C1,能力,T1\r\n".encode("utf-8-sig"))
    with pytest.raises(CommandError) as caught:
        run("framework_import", str(path), "--code", "S", "--version", "1", "--name", "S")
    lines = str(caught.value).splitlines()
    assert lines[0] == f"{path} refused, nothing imported:"
    assert [line.split(":")[0] for line in lines[1:]] == ["row 3", "row 4"]
    assert CapabilityFramework.objects.count() == 0


def test_framework_import_command_reads_gbk_csv_and_json_headers(tmp_path: Path):
    gbk = tmp_path / "excel.csv"
    gbk.write_bytes(SMALL_CSV.encode("gbk"))
    out, _ = run("framework_import", str(gbk), "--code", "G", "--version", "1", "--name", "GBK")
    assert "6 nodes" in out and FrameworkNode.objects.get(framework__code="G", code="C1").name == "能力一"
    document = tmp_path / "doc.data"
    document.write_text(json.dumps({"code": "J", "version": 4, "name": "JSON", "nodes": small_rows()}), encoding="utf-8")
    out, _ = run("framework_import", str(document), "--format", "json")
    assert out.startswith("J v4 JSON imported: 6 nodes")


def test_framework_import_command_needs_a_format_code_version_and_name(tmp_path: Path):
    path = tmp_path / "small.txt"
    path.write_text(SMALL_CSV, encoding="utf-8")
    with pytest.raises(CommandError, match="--format"):
        run("framework_import", str(path), "--code", "S", "--version", "1", "--name", "S")
    with pytest.raises(CommandError, match="Missing --version, --name"):
        run("framework_import", str(path), "--format", "csv", "--code", "S")
    with pytest.raises(CommandError, match="version must be a whole number of at least 1"):
        run("framework_import", str(path), "--format", "csv", "--code", "S", "--version", "0", "--name", "S")
    with pytest.raises(CommandError, match="Cannot read"):
        run("framework_import", str(tmp_path / "missing.csv"), "--code", "S", "--version", "1", "--name", "S")


def test_framework_export_command_writes_csv_and_json_that_import_back(tmp_path: Path):
    framework_import(code="X", version=1, name="X", rows=small_rows())
    framework_import(code="X", version=2, name="X二", rows=small_rows()[:3])
    out, _ = run("framework_export", "--code", "X", "--format", "csv")
    assert framework_rows_from_csv(out) == framework_rows_from_csv(SMALL_CSV)[:3]  # the current version: 2
    out, _ = run("framework_export", "--code", "X", "--version", "1")
    assert out == SMALL_CSV.replace("\n", "\r\n")
    target = tmp_path / "x.json"
    _, err = run("framework_export", "--code", "X", "--version", "1", "-o", str(target))
    assert err == f"X v1 written to {target}\n"
    assert json.loads(target.read_text(encoding="utf-8"))["nodes"] == framework_export_rows(
        CapabilityFramework.objects.get(code="X", version=1)
    )
    out, _ = run("framework_import", str(target), "--code", "Z", "--version", "1")
    assert out.startswith("Z v1 X imported: 6 nodes")
    with pytest.raises(CommandError, match="No framework X v9"):
        run("framework_export", "--code", "X", "--version", "9")
