"""PostgreSQL only, for the catalog page (bench/catalog.py, 10,000 courses among 90,000 pages):

- statistics on the expressions the catalog filters on (UPPER(column) LIKE '%…%'): without them the
  planner guesses a substring filter keeps a fraction of a percent of the courses, and when a common word
  (课堂, 技术) keeps most of them it walks thousands of rows through nested loops (150 ms instead of 10 ms);
  expression statistics need PostgreSQL 14 or later;
- the ids and titles of live pages as a partial index: the paginator's count (and the title search in it)
  reads the index instead of the whole page table, lessons and modules included (2–2.5 times faster).
"""

from django.db import migrations

STATISTICS = [
    ("catalog_page_title_upper", "wagtailcore_page", "upper((title)::text)"),
    ("catalog_course_summary_upper", "courses_coursepage", "upper(summary)"),
    ("catalog_course_code_upper", "courses_coursepage", "upper((code)::text)"),
    ("catalog_course_stages_upper", "courses_coursepage", "upper((audience_stages)::text)"),
    ("catalog_course_subjects_upper", "courses_coursepage", "upper((audience_subjects)::text)"),
]


def _postgresql_14(schema_editor) -> bool:
    connection = schema_editor.connection
    return connection.vendor == "postgresql" and connection.pg_version >= 140000


LIVE_PAGE_INDEX = "catalog_live_page_title"


def catalog_planning_create(apps, schema_editor):
    if not _postgresql_14(schema_editor):
        return
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {LIVE_PAGE_INDEX} ON wagtailcore_page (id) INCLUDE (title) WHERE live")
    for name, table, expression in STATISTICS:
        schema_editor.execute(f"CREATE STATISTICS IF NOT EXISTS {name} ON ({expression}) FROM {table}")
    for table in sorted({table for _name, table, _expression in STATISTICS}):
        schema_editor.execute(f"ANALYZE {table}")


def catalog_planning_drop(apps, schema_editor):
    if not _postgresql_14(schema_editor):
        return
    for name, _table, _expression in STATISTICS:
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {name}")
    schema_editor.execute(f"DROP INDEX IF EXISTS {LIVE_PAGE_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("courses", "0007_learning_watch_session_video_cache")]

    operations = [migrations.RunPython(catalog_planning_create, catalog_planning_drop, elidable=False)]
