"""Settings for the heartbeat benchmark's gunicorn: the base settings on PostgreSQL, plain HTTP on 127.0.0.1.

(lms.settings.production redirects plain HTTP to HTTPS and needs real secrets; the request path is the same.)
"""

import os

from lms.settings.base import *  # noqa: F401,F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DB_CONN_MAX_AGE", "60"))  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
