"""Ledgers, not counters: a model whose rows are written once and never changed or deleted."""

from __future__ import annotations

from typing import Any

from django.db import models


class AppendOnlyError(RuntimeError):
    pass


class AppendOnlyModel(models.Model):
    """Refuses updates and deletes in Python; each table also gets a database trigger in its migration."""

    append_only_message = "This record is append-only."

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError(self.append_only_message)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(self.append_only_message)
