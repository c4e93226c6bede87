"""Celery tasks of certification: thin, ids in, the service does the work. Each area defines its tasks
next to its services; importing them here registers them with Celery."""

from __future__ import annotations

from certification.issuance_tasks import *  # noqa: F401,F403
from certification.pdf.tasks import *  # noqa: F401,F403
from certification.annual.tasks import *  # noqa: F401,F403
from certification.bulk.tasks import *  # noqa: F401,F403
from certification.reports.tasks import *  # noqa: F401,F403
