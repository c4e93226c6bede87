"""Fast row loading: PostgreSQL COPY (psycopg 3) when available, bulk_create in batches otherwise."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Model

Row = tuple[object, ...]


class Loader(Protocol):
    def load(self, model: type[Model], fields: Sequence[str], rows: list[Row]) -> None: ...

    def finish(self, models: Sequence[type[Model]]) -> None: ...


def _missing_fields(model: type[Model], fields: Sequence[str]) -> tuple[list[str], Row]:
    """Concrete fields the rows leave out, with their defaults (a column added later still loads)."""
    given = set(fields)
    missing = [f for f in model._meta.concrete_fields if f.attname not in given]
    return [f.attname for f in missing], tuple(f.get_default() for f in missing)


def _reset_sequences(models: Sequence[type[Model]]) -> None:
    """Rows were loaded with explicit ids: move each id sequence past them."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


class CopyLoader:
    """COPY … FROM STDIN through the psycopg 3 connection under Django's."""

    def load(self, model: type[Model], fields: Sequence[str], rows: list[Row]) -> None:
        extra_fields, extra_values = _missing_fields(model, fields)
        meta = model._meta
        quote = connection.ops.quote_name
        columns = ", ".join(quote(meta.get_field(name).column) for name in [*fields, *extra_fields])
        connection.ensure_connection()
        with connection.connection.cursor() as cursor:
            with cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
                if extra_values:
                    for row in rows:
                        copy.write_row(row + extra_values)
                else:
                    for row in rows:
                        copy.write_row(row)

    def finish(self, models: Sequence[type[Model]]) -> None:
        _reset_sequences(models)
        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {tables}")


class BulkCreateLoader:
    """Any database Django supports; slower, fine for tests and small provinces."""

    def __init__(self, batch_size: int = 2_000) -> None:
        self.batch_size = batch_size

    def load(self, model: type[Model], fields: Sequence[str], rows: list[Row]) -> None:
        objects = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        model._default_manager.bulk_create(objects, batch_size=self.batch_size)

    def finish(self, models: Sequence[type[Model]]) -> None:
        _reset_sequences(models)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")


def loader_for_connection() -> Loader:
    return CopyLoader() if connection.vendor == "postgresql" else BulkCreateLoader()
