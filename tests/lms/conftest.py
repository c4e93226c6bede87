from __future__ import annotations

import pytest
from django.utils import translation

from lms.models import Role
from tests.factories import make_user


@pytest.fixture
def english_messages():
    """Messages in their English source form, whatever LANGUAGE_CODE says (the roster tests match on them)."""
    with translation.override("en"):
        yield


@pytest.fixture
def roster_county_admin(tree):
    return make_user("county-a1", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
