from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture(autouse=True)
def _default_hours_policy(db):
    """The data migration's policy; a transactional test elsewhere in the run may have flushed it."""
    from courses.models import HoursPolicy

    HoursPolicy.objects.get_or_create(
        version=1,
        defaults={"name": "继续教育学时默认规则", "effective_from": dt.date(2021, 1, 1), "kind_caps": {"recognised": "72"}},
    )
