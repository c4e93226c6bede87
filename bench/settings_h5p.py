"""Settings for the H5P xAPI benchmark's gunicorn: the base settings on PostgreSQL, plain HTTP on 127.0.0.1.

(lms.settings.production redirects plain HTTP to HTTPS and needs real secrets; the request path is the same:
session and CSRF middleware, the statement view, the services.)
"""

import os

from lms.settings.base import *  # noqa: F401,F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DB_CONN_MAX_AGE", "60"))  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
if os.environ.get("H5P_BENCH_ASYNC_COMMIT") == "1":  # bench/h5p_xapi.py --async-commit: what the WAL flushes cost
    _options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    _options["options"] = (_options.get("options", "") + " -c synchronous_commit=off").strip()
