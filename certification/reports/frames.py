"""Pure functions: the SQL's rows → one DataFrame per report table, grouped by the level below the chosen
node (or by stage, subject, year), with a total row. No database, no translation: keys and numbers only."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

TOTAL = "__total__"  # the index of the total row
GROUP_COLUMNS = ("child", "stage", "subject")


def teacher_hours_frame(
    chunks: Iterable[Sequence[tuple[Any, ...]]], *, children: Sequence[str], stages: Sequence[str], subjects: Sequence[str]
) -> pd.DataFrame:
    """Per-teacher rows (child, stage, subject, total, counted) gathered chunk by chunk into compact columns:
    categories for the keys, float32 for the hours (a million teachers take ~15 MB)."""
    types = {
        "child": pd.CategoricalDtype(list(children)),
        "stage": pd.CategoricalDtype(list(stages)),
        "subject": pd.CategoricalDtype(list(subjects)),
    }
    parts = []
    for chunk in chunks:
        part = pd.DataFrame.from_records(list(chunk), columns=[*GROUP_COLUMNS, "total", "counted"])
        for column, dtype in types.items():
            part[column] = part[column].astype(dtype)
        for column in ("total", "counted"):
            part[column] = pd.to_numeric(part[column].map(float), downcast="float").astype(np.float32)
        parts.append(part)
    if not parts:
        empty = pd.DataFrame({column: pd.Series([], dtype=dtype) for column, dtype in types.items()})
        empty["total"] = pd.Series([], dtype=np.float32)
        empty["counted"] = pd.Series([], dtype=np.float32)
        return empty
    return pd.concat(parts, ignore_index=True)


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """Groups by two keys become one index of tuples, so a total row can follow them."""
    if isinstance(frame.index, pd.MultiIndex):
        frame = frame.copy()
        frame.index = pd.Index(list(frame.index), tupleize_cols=False)
    return frame


def _with_total(frame: pd.DataFrame, total: pd.Series) -> pd.DataFrame:
    total_frame = pd.DataFrame([total.to_numpy()], columns=frame.columns, index=pd.Index([TOTAL]))
    if frame.empty:
        return total_frame.astype(frame.dtypes.to_dict())
    return pd.concat([_flat(frame), total_frame.astype(frame.dtypes.to_dict())])


def _completion_figures(group: pd.DataFrame | Any, target: float) -> dict[str, float]:
    counted = group["counted"].astype(np.float64)
    teachers = int(len(group))
    reached = int((counted >= target).sum())
    return {
        "teachers": teachers,
        "with_hours": int((group["total"] > 0).sum()),
        "reached": reached,
        "completion_pct": round(reached * 100.0 / teachers, 1) if teachers else 0.0,
        "mean_hours": round(float(counted.mean()), 1) if teachers else 0.0,
        "median_hours": round(float(counted.median()), 1) if teachers else 0.0,
    }


COMPLETION_COLUMNS = ("teachers", "with_hours", "reached", "completion_pct", "mean_hours", "median_hours")


def completion_frame(teachers: pd.DataFrame, *, by: Sequence[str], target: Decimal, keep_empty: bool) -> pd.DataFrame:
    """One row per group (every child in order when `keep_empty`, else only groups that have teachers):
    teachers, with any hours, reaching the cycle target after caps, completion %, mean and median hours."""
    goal = float(target)
    counted = teachers["counted"].astype(np.float64)
    work = pd.DataFrame({
        **{column: teachers[column] for column in by},
        "one": 1, "has_hours": (teachers["total"] > 0).astype(int), "reached": (counted >= goal).astype(int),
        "counted": counted,
    })
    grouped = work.groupby(list(by), observed=not keep_empty, sort=True)
    frame = pd.DataFrame({
        "teachers": grouped["one"].sum(),
        "with_hours": grouped["has_hours"].sum(),
        "reached": grouped["reached"].sum(),
        "mean_hours": grouped["counted"].mean(),
        "median_hours": grouped["counted"].median(),
    })
    frame = frame.fillna(0.0)
    frame["completion_pct"] = np.where(frame["teachers"] > 0, frame["reached"] * 100.0 / frame["teachers"].clip(lower=1), 0.0)
    frame = frame[list(COMPLETION_COLUMNS)].astype({"teachers": int, "with_hours": int, "reached": int})
    frame[["completion_pct", "mean_hours", "median_hours"]] = frame[["completion_pct", "mean_hours", "median_hours"]].round(1)
    total = pd.Series(_completion_figures(teachers, goal))[list(COMPLETION_COLUMNS)]
    return _with_total(frame, total)


def _group_counts(rows: Sequence[tuple[Any, ...]], *, key_names: Sequence[str], value_names: Sequence[str]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(list(rows), columns=[*key_names, *value_names])
    for column in value_names:
        frame[column] = pd.to_numeric(frame[column]).fillna(0).astype(int)
    return frame


def _ordered(frame: pd.DataFrame, by: Sequence[str], order: Mapping[str, Sequence[str]] | None, keep_empty: bool) -> pd.DataFrame:
    """Rows in the order of `order` (children in path order, stages in vocabulary order); every listed child
    kept (zeros) when `keep_empty`."""
    if order is None:
        return frame.sort_index()
    if len(by) == 1:
        wanted = list(order.get(by[0], []))
        known = [key for key in wanted if key in frame.index]
        extra = sorted(key for key in frame.index if key not in set(wanted))
        keys = wanted if keep_empty else known
        return frame.reindex([*keys, *extra], fill_value=0)
    position = {column: {key: i for i, key in enumerate(order.get(column, []))} for column in by}
    keys = sorted(frame.index, key=lambda key: tuple(position[c].get(k, 10_000) for c, k in zip(by, key)))
    return frame.reindex(keys)


def indicator_frame(
    rows: Sequence[tuple[Any, ...]], *, by: Sequence[str], order: Mapping[str, Sequence[str]] | None = None, keep_empty: bool = False
) -> pd.DataFrame:
    """(child, stage, subject, teachers, reached) groups → teachers, reaching the hours, share %."""
    data = _group_counts(rows, key_names=GROUP_COLUMNS, value_names=("teachers", "reached"))
    frame = data.groupby(list(by))[["teachers", "reached"]].sum()
    frame = _ordered(frame, by, order, keep_empty).fillna(0).astype(int)
    frame = _with_total(frame, data[["teachers", "reached"]].sum().astype(int))
    frame["share_pct"] = (frame["reached"] * 100.0 / frame["teachers"].clip(lower=1)).round(1)
    return frame


def levels_frame(
    rows: Sequence[tuple[Any, ...]], *, by: Sequence[str], ranks: Sequence[int],
    order: Mapping[str, Sequence[str]] | None = None, keep_empty: bool = False,
) -> pd.DataFrame:
    """(child, stage, subject, rank, teachers, suspended, revoked) groups → teachers, one column per level rank
    ("rank_1" …) counting teachers whose highest valid certificate has it, "none", suspended, revoked."""
    data = _group_counts(rows, key_names=GROUP_COLUMNS, value_names=("rank", "teachers", "suspended", "revoked"))
    rank_columns = [f"rank_{rank}" for rank in ranks]
    for rank, column in zip(ranks, rank_columns):
        data[column] = np.where(data["rank"] == rank, data["teachers"], 0)
    data["none"] = np.where(data["rank"] == 0, data["teachers"], 0)
    columns = ["teachers", *rank_columns, "none", "suspended", "revoked"]
    frame = data.groupby(list(by))[columns].sum()
    frame = _ordered(frame, by, order, keep_empty).fillna(0).astype(int)
    return _with_total(frame, data[columns].sum().astype(int))


ANNUAL_COLUMNS = ("teachers", "renewed", "warned", "suspended", "not_reviewed")


def annual_frame(
    rows: Sequence[tuple[Any, ...]], *, by: Sequence[str], order: Mapping[str, Sequence[str]] | None = None, keep_empty: bool = False
) -> pd.DataFrame:
    """(child, stage, subject, worst outcome rank, teachers) groups → teachers renewed / warned / suspended
    (a teacher counts once, by their worst standing decision of the year) and not reviewed."""
    data = _group_counts(rows, key_names=GROUP_COLUMNS, value_names=("rank", "teachers"))
    for rank, column in ((1, "renewed"), (2, "warned"), (3, "suspended"), (0, "not_reviewed")):
        data[column] = np.where(data["rank"] == rank, data["teachers"], 0)
    frame = data.groupby(list(by))[list(ANNUAL_COLUMNS)].sum()
    frame = _ordered(frame, by, order, keep_empty).fillna(0).astype(int)
    return _with_total(frame, data[list(ANNUAL_COLUMNS)].sum().astype(int))


TREND_COLUMNS = ("hours", "teachers_with_hours", "certificates", "renewed", "warned", "suspended")


def trends_frame(
    *, years: Sequence[int], hours: Sequence[tuple[Any, ...]], certificates: Sequence[tuple[Any, int]],
    outcomes: Sequence[tuple[int, int, int]],
) -> pd.DataFrame:
    """One row per year: net hours recorded, teachers with hours, certificates issued, review outcomes."""
    frame = pd.DataFrame(0.0, index=pd.Index(list(years), name="year"), columns=list(TREND_COLUMNS))
    for year, total, teachers in hours:
        if year in frame.index:
            frame.loc[year, "hours"] = round(float(total or 0), 1)
            frame.loc[year, "teachers_with_hours"] = int(teachers or 0)
    for day, count in certificates:
        year = int(str(day)[:4])
        if year in frame.index:
            frame.loc[year, "certificates"] += int(count)
    for year, rank, count in outcomes:
        column = {1: "renewed", 2: "warned", 3: "suspended"}.get(int(rank))
        if column and year in frame.index:
            frame.loc[year, column] += int(count)
    integer = [column for column in TREND_COLUMNS if column != "hours"]
    frame[integer] = frame[integer].astype(int)
    return frame
