"""With a real broker and worker (CI's PostgreSQL stage), an upload is checked by the worker while the
admin page polls its progress."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import ActivityStatus, H5PActivity
from tests.assessments.h5p_fixtures import institution_editor, upload
from tests.factories import build_tree
from tests.h5p_builder import truefalse_package


@pytest.mark.celery_worker
@pytest.mark.skipif(
    not os.environ.get("CELERY_WORKER_RUNNING"), reason="needs a real Celery worker (the PostgreSQL run of .ci/run)"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_checks_an_upload_while_the_admin_polls(real_celery_worker, settings):
    # The worker reads the upload from its own PRIVATE_ROOT: use the folder both processes were given.
    settings.PRIVATE_ROOT = Path(os.environ.get("PRIVATE_ROOT", "/tmp/lms-test-private"))
    tree = build_tree()
    client = Client()
    client.force_login(institution_editor(tree))
    response = client.post(reverse("h5p_activities:add"), {
        "title": "判断题", "institution": tree.institution.pk, "passing_score": "60", "attempts_allowed": "",
        "counting_rule": "best", "package_file": upload(truefalse_package()),
    })
    assert response.status_code == 302
    activity = H5PActivity.objects.get()
    status_url = reverse("h5p_activity_status", args=[activity.pk])
    deadline = time.monotonic() + 60
    status = client.get(status_url).json()
    while not status["done"] and time.monotonic() < deadline:
        time.sleep(0.5)
        status = client.get(status_url).json()
    assert status["done"], status
    assert status["status"] == ActivityStatus.HELD and status["progress"] == 100
