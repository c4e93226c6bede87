"""Test settings: fast hashing, the same database choice as the environment gives."""

import os

from .base import *  # noqa: F401,F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
PRIVATE_ROOT = Path(os.environ.get("PRIVATE_ROOT", "/tmp/lms-test-private"))  # noqa: F405
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", "/tmp/lms-test-media"))  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME", "")}  # noqa: F405
# Tests run tasks in-process unless a test asks for the real worker (fixture real_celery_worker).
CELERY_TASK_ALWAYS_EAGER = True
AXES_ENABLED = True
