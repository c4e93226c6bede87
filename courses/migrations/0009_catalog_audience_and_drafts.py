"""PostgreSQL only, for the catalog page (bench/catalog.py):

- the school-stage and subject filters use jsonb containment (@>), served by GIN indexes; the expression
  statistics 0008 made for the LIKE form of those filters go;
- the ids of draft (not live) pages as a partial index: the catalog counts published courses as "hours
  filed and not a draft", reading this small index instead of the page table (count 18 → 6 ms);
- the live pages' index of 0008 also holds first_published_at: the catalog pages through ids sorted by
  it, read from the index alone (a keyword that keeps a few hundred courses: 94 → 10 ms);
- the self-enrolments that take a seat, per course, as a partial index: "open now" checks the seats of
  every course with a limit, and the seat count of one course reads only the index (34 → 18 ms).
"""

from django.db import migrations

AUDIENCE_INDEXES = [("catalog_course_stages_gin", "audience_stages"), ("catalog_course_subjects_gin", "audience_subjects")]
DRAFT_PAGE_INDEX = "catalog_draft_page_id"
SEAT_INDEX = "catalog_enrolment_seat_taking"
LIVE_PAGE_INDEX_0008 = "catalog_live_page_title"
LIVE_PAGE_INDEX = "catalog_live_page_listing"
LIKE_STATISTICS = [
    ("catalog_course_stages_upper", "upper((audience_stages)::text)"),
    ("catalog_course_subjects_upper", "upper((audience_subjects)::text)"),
]


def audience_gin_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in AUDIENCE_INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON courses_coursepage USING gin ({column} jsonb_path_ops)")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {DRAFT_PAGE_INDEX} ON wagtailcore_page (id) WHERE NOT live")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {LIVE_PAGE_INDEX} ON wagtailcore_page (id) INCLUDE (title, first_published_at) "
        "WHERE live"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {LIVE_PAGE_INDEX_0008}")
    # The predicate repeats courses.selectors.enrolment.SEAT_TAKING; a query must say the same to use it.
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {SEAT_INDEX} ON courses_enrolment (course_id) "
        "WHERE cohort_id IS NULL AND status IN ('active', 'completed')"
    )
    for name, _expression in LIKE_STATISTICS:
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {name}")
    schema_editor.execute("ANALYZE courses_coursepage")


def audience_gin_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _column in AUDIENCE_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute(f"DROP INDEX IF EXISTS {DRAFT_PAGE_INDEX}")
    schema_editor.execute(f"DROP INDEX IF EXISTS {SEAT_INDEX}")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {LIVE_PAGE_INDEX_0008} ON wagtailcore_page (id) INCLUDE (title) WHERE live")
    schema_editor.execute(f"DROP INDEX IF EXISTS {LIVE_PAGE_INDEX}")
    if schema_editor.connection.pg_version >= 140000:
        for name, expression in LIKE_STATISTICS:
            schema_editor.execute(f"CREATE STATISTICS IF NOT EXISTS {name} ON ({expression}) FROM courses_coursepage")


class Migration(migrations.Migration):
    dependencies = [("courses", "0008_catalog_search_planning")]

    operations = [migrations.RunPython(audience_gin_create, audience_gin_drop, elidable=False)]
