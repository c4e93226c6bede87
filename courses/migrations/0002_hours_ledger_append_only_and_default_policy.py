"""The database refuses changes to the hours ledger; the default hour rules (policy version 1)."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION courses_hoursentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'courses_hoursentry is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER courses_hoursentry_no_change BEFORE UPDATE OR DELETE ON courses_hoursentry
    FOR EACH ROW EXECUTE FUNCTION courses_hoursentry_append_only();
"""
DROP_SQL = """
DROP TRIGGER IF EXISTS courses_hoursentry_no_change ON courses_hoursentry;
DROP FUNCTION IF EXISTS courses_hoursentry_append_only();
"""
# SQLite: updates only; its test-database flush needs DELETE (PostgreSQL's uses TRUNCATE).
SQLITE_TRIGGER_SQL = """CREATE TRIGGER courses_hoursentry_no_change BEFORE UPDATE ON courses_hoursentry
    BEGIN SELECT RAISE(ABORT, 'courses_hoursentry is append-only'); END;"""


def triggers_forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER_SQL)


def triggers_backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS courses_hoursentry_no_change")


def default_policy(apps, schema_editor):
    HoursPolicy = apps.get_model("courses", "HoursPolicy")
    HoursPolicy.objects.get_or_create(
        version=1,
        defaults={
            "name": "继续教育学时默认规则",
            "effective_from": dt.date(2021, 1, 1),
            "cycle_years": 5,
            "cycle_start_year": 2021,
            "cycle_target_hours": Decimal(360),
            "yearly_minimum_hours": Decimal(24),
            "probation_target_hours": Decimal(120),
            "kind_caps": {"recognised": "72"},
        },
    )


class Migration(migrations.Migration):
    dependencies = [("courses", "0001_hours_ledger")]
    operations = [
        migrations.RunPython(triggers_forwards, triggers_backwards),
        migrations.RunPython(default_policy, migrations.RunPython.noop),
    ]
