"""The uploader's reach: which schools the roster may name, looked up per chunk and remembered."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from lms.models import Organisation, OrganisationKind
from lms.selectors import schools_in_jurisdiction


@dataclass(frozen=True, slots=True)
class SchoolEntry:
    id: int
    kind: str
    is_active: bool
    inside: bool  # within the uploader's jurisdiction


class RosterScope:
    """School codes and ids the import meets, each looked up once: one query per chunk at most."""

    def __init__(self, *, user: AbstractBaseUser | None, all_jurisdictions: bool = False) -> None:
        if user is None and not all_jurisdictions:
            raise ValueError("an import runs for a user, or explicitly for all jurisdictions")
        self._reach: QuerySet[Organisation] = (
            Organisation.objects.filter(kind=OrganisationKind.SCHOOL)
            if all_jurisdictions
            else schools_in_jurisdiction(user=user)
        )
        self._by_code: dict[str, SchoolEntry | None] = {}
        self._inside_ids: dict[int, bool] = {}

    def schools(self, codes: Iterable[str]) -> dict[str, SchoolEntry | None]:
        wanted = {code for code in codes if code and code not in self._by_code}
        if wanted:
            found = {
                code: (pk, kind, active)
                for pk, code, kind, active in Organisation.objects.filter(code__in=wanted).values_list(
                    "id", "code", "kind", "is_active"
                )
            }
            inside = self.inside({pk for pk, _kind, _active in found.values()})
            for code in wanted:
                if code in found:
                    pk, kind, active = found[code]
                    self._by_code[code] = SchoolEntry(id=pk, kind=kind, is_active=active, inside=pk in inside)
                else:
                    self._by_code[code] = None
        return self._by_code

    def inside(self, school_ids: Iterable[int]) -> set[int]:
        """Which of these organisations the uploader reaches."""
        ids = set(school_ids)
        unknown = ids - self._inside_ids.keys()
        if unknown:
            reached = set(self._reach.filter(id__in=unknown).values_list("id", flat=True))
            self._inside_ids.update({pk: pk in reached for pk in unknown})
        return {pk for pk in ids if self._inside_ids[pk]}
