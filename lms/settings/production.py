"""Production: secrets come from the environment and are required; HTTPS everywhere."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403

REQUIRED_SECRETS = ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "LOOKUP_HMAC_KEY", "DATABASE_URL")


def _require(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"Production settings need the environment variable {name}.")
    return value


SECRET_KEY = _require("SECRET_KEY")
FIELD_ENCRYPTION_KEY = _require("FIELD_ENCRYPTION_KEY")
LOOKUP_HMAC_KEY = _require("LOOKUP_HMAC_KEY")
_require("DATABASE_URL")

DEBUG = False
SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
