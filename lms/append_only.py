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


def append_only_triggers(*tables: str) -> Any:
    """A migration operation: the database refuses UPDATE and DELETE on these tables (SQLite: UPDATE only,
    its test flush needs DELETE; PostgreSQL's flush uses TRUNCATE, which fires no row trigger)."""
    from django.db import migrations

    def forwards(apps: Any, schema_editor: Any) -> None:
        for table in tables:
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute(
                    f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$ BEGIN "
                    f"RAISE EXCEPTION '{table} is append-only'; END; $$ LANGUAGE plpgsql;"
                )
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only();"
                )
            elif schema_editor.connection.vendor == "sqlite":
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_no_change BEFORE UPDATE ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"
                )

    def backwards(apps: Any, schema_editor: Any) -> None:
        for table in tables:
            if schema_editor.connection.vendor == "postgresql":
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table};")
                schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_append_only();")
            elif schema_editor.connection.vendor == "sqlite":
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_change")

    return migrations.RunPython(forwards, backwards)
