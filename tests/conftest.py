from __future__ import annotations

import os

import pytest

from tests.factories import Tree, build_tree


@pytest.fixture
def tree(db) -> Tree:
    return build_tree()


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def real_celery_worker(settings):
    """Send tasks to the real broker for this test; a worker started by .ci/run picks them up."""
    if not os.environ.get("CELERY_BROKER_URL") or not os.environ.get("CELERY_WORKER_RUNNING"):
        pytest.skip("no Celery broker and worker configured (the PostgreSQL run of .ci/run has them)")
    from lms.celery import app

    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    yield app
    app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (zh-hans); a request in another one must not leak."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
