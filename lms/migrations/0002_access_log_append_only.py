"""On PostgreSQL the database itself refuses UPDATE and DELETE on the access log."""

from django.db import migrations

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION lms_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'lms_accesslog is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER lms_accesslog_no_update BEFORE UPDATE OR DELETE ON lms_accesslog
    FOR EACH ROW EXECUTE FUNCTION lms_accesslog_append_only();
"""
DROP_SQL = """
DROP TRIGGER IF EXISTS lms_accesslog_no_update ON lms_accesslog;
DROP FUNCTION IF EXISTS lms_accesslog_append_only();
"""
# SQLite: updates only; its test-database flush needs DELETE (PostgreSQL's uses TRUNCATE).
SQLITE_TRIGGER_SQL = [
    """CREATE TRIGGER lms_accesslog_no_update BEFORE UPDATE ON lms_accesslog
       BEGIN SELECT RAISE(ABORT, 'lms_accesslog is append-only'); END;""",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_TRIGGER_SQL:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)
    elif schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS lms_accesslog_no_update")


class Migration(migrations.Migration):
    dependencies = [("lms", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
