"""Data objects of courses handed to other apps: standard library only."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal("0.0")


@dataclass(frozen=True)
class CycleHours:
    """One continuing-education cycle of one teacher, counted under one policy version."""

    start_year: int
    end_year: int
    target: Decimal
    total: Decimal  # every hour recorded in the cycle
    counted: Decimal  # after the policy's caps per kind
    by_kind: dict[str, Decimal]  # recorded per kind
    counted_by_kind: dict[str, Decimal]  # after caps
    yearly_minimum: Decimal
    yearly_shortfalls: dict[int, Decimal]  # past and current years of the cycle below the yearly minimum

    @property
    def remaining(self) -> Decimal:
        return max(self.target - self.counted, ZERO)

    @property
    def reached(self) -> bool:
        return self.counted >= self.target

    @property
    def progress_percent(self) -> int:
        if self.target <= 0:
            return 100
        return min(100, int(self.counted * 100 / self.target))

    @property
    def label(self) -> str:
        return f"{self.start_year}–{self.end_year}"


@dataclass(frozen=True)
class HoursTotals:
    """A teacher's hours derived from the ledger, and the policy version that counted them."""

    teacher_id: int
    policy_version: int
    policy_name: str
    probation_target: Decimal
    by_year_kind: dict[tuple[int, str], Decimal]
    by_year: dict[int, Decimal]
    by_kind: dict[str, Decimal]
    total: Decimal
    cycles: list[CycleHours] = field(default_factory=list)

    def cycle_for(self, year: int) -> CycleHours | None:
        return next((c for c in self.cycles if c.start_year <= year <= c.end_year), None)

    def year_by_kind(self, year: int) -> dict[str, Decimal]:
        return {kind: hours for (y, kind), hours in self.by_year_kind.items() if y == year}


@dataclass(frozen=True)
class TeacherCycleHours:
    """One row of a set-based cycle report."""

    teacher_id: int
    total: Decimal
    counted: Decimal
    target: Decimal

    @property
    def reached(self) -> bool:
        return self.counted >= self.target
