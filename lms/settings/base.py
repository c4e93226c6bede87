"""Settings shared by every environment; each integration is read from the environment."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = os.environ.get("SECRET_KEY", "dev-insecure-secret-key-change-me")
# Field encryption (Fernet, urlsafe base64 32 bytes) and keyed look-up hash (HMAC-SHA256).
FIELD_ENCRYPTION_KEY = os.environ.get(
    "FIELD_ENCRYPTION_KEY", "ZGV2LW9ubHktZmllbGQta2V5LTMyLWJ5dGVzLTAwMDA="
)
LOOKUP_HMAC_KEY = os.environ.get("LOOKUP_HMAC_KEY", "dev-only-lookup-hmac-key")

DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "lms",
    "cms",
    "certification",
    "courses",
    "assessments",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc as our own static files: no CDN
    "django_celery_beat",
    "axes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lms.session_refresh.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "lms" / "templates_site"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the dev server and the eager task runner share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Short OLTP queries: JIT compiling a plan once cost the catalog 60 ms a page and never paid back.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# 等级保护 practice: length and complexity.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "lms.passwords.ComplexityValidator"},
]

# Lockout: 5 failures → 30 minutes, keyed by username (the same message whether or not it exists).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lms/locked_out.html"
AXES_VERBOSE = False

# Idle timeout: 30 minutes, renewed on every request.
SESSION_COOKIE_AGE = 30 * 60
# Idle timeout: an active session's expiry moves at most once a minute (lms/session_refresh.py), not
# with a session write on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

LOGIN_URL = "lms:login"
LOGIN_REDIRECT_URL = "lms:home"
LOGOUT_REDIRECT_URL = "lms:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "lms" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [
    BASE_DIR / "lms" / "static_site",
    # The H5P player from npm (make assets), served as our own static files: no CDN.
    ("h5p-standalone", BASE_DIR / "node_modules" / "h5p-standalone" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "var" / "media"
# Private files (import reports) never served by URL; downloaded through views that check access.
PRIVATE_ROOT = Path(os.environ.get("PRIVATE_ROOT", str(BASE_DIR / "var" / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Uploads: refuse big files early; keep them in memory only up to 2.5 MB, then temp files.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
ROSTER_UPLOAD_MAX_BYTES = int(os.environ.get("ROSTER_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))

WAGTAIL_SITE_NAME = "教师信息技术应用能力培训与认证平台"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# Wagtail's own background jobs (search index updates, reference index) through django-tasks.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Celery: no broker → eager, in-process; a broker → real workers.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Synced into django-celery-beat's tables when beat starts; administrators may change the times there.
CELERY_BEAT_SCHEDULE = {
    "quiz-attempts-expire": {"task": "assessments.tasks.quiz_attempts_expire_sweep", "schedule": 60.0},
    "review-assign-pending": {"task": "assessments.tasks.review_assign_pending", "schedule": 600.0},
    "review-deadlines": {"task": "assessments.tasks.review_deadlines_sweep", "schedule": 3600.0},
    # Nightly: certificates for everyone newly eligible (02:30).
    "certificates-issue-nightly": {
        "task": "certification.tasks.certificates_issue_nightly",
        "schedule": crontab(hour=2, minute=30),
    },
    # Yearly: the annual review of the year just ended, for every province (15 January, 03:00).
    "annual-review-yearly": {
        "task": "certification.tasks.annual_review_yearly",
        "schedule": crontab(month_of_year=1, day_of_month=15, hour=3, minute=0),
    },
}
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "lms.tasks.roster_import_run": {"queue": "default"},
    "assessments.tasks.h5p_activity_check": {"queue": "default"},
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Teacher LMS API",
    "DESCRIPTION": (
        "The API for personnel (HR) systems. Each system holds a key an administrator issued, bound to one "
        "jurisdiction and to scopes; every call is audited; errors are JSON: "
        '{"error": {"code": "…", "message": "…", "detail": {…}}}.'
    ),
    "VERSION": "1.0.0",
    "PREPROCESSING_HOOKS": ["lms.api_schema.only_project_api"],
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

SITE_TITLE = _("Teacher IT Capability Training and Certification")

# Lockout is per account (等级保护: 5 failures → 30 minutes); IP rotation cannot unlock an account.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# A cache every process shares: Redis when a broker runs (worker progress reaches the web pages),
# a file cache otherwise (the dev server and eager tasks share one machine).
REDIS_URL = os.environ.get("REDIS_URL") or (CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ.get("CACHE_URL", REDIS_URL.rsplit("/", 1)[0] + "/1"),
            "KEY_PREFIX": "lms",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(BASE_DIR / "var" / "cache"),
            "KEY_PREFIX": "lms",
        }
    }


# Certification (issue 6). The verification page's address printed in every QR code; the CJK TrueType font
# the certificate PDF embeds (Debian's fonts-wqy-microhei, installed by `make setup`).
CERTIFICATE_SITE_URL = os.environ.get("CERTIFICATE_SITE_URL", WAGTAILADMIN_BASE_URL).rstrip("/")
CERTIFICATE_FONT_PATH = os.environ.get("CERTIFICATE_FONT_PATH", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
# The public verification page: look-ups per client address per minute.
VERIFY_RATE_PER_MINUTE = int(os.environ.get("VERIFY_RATE_PER_MINUTE", "20"))


# Learning rules (issue 3): the server counts video time from the player's heartbeats.
LEARNING_HEARTBEAT_SECONDS = int(os.environ.get("LEARNING_HEARTBEAT_SECONDS", "30"))
LEARNING_HEARTBEAT_TOLERANCE_SECONDS = int(os.environ.get("LEARNING_HEARTBEAT_TOLERANCE_SECONDS", "5"))
LEARNING_DAILY_CAP_MINUTES = int(os.environ.get("LEARNING_DAILY_CAP_MINUTES", "240"))
LEARNING_SESSION_IDLE_SECONDS = int(os.environ.get("LEARNING_SESSION_IDLE_SECONDS", "120"))
# PostgreSQL: commit heartbeats without waiting for the WAL flush (a crash may drop < 1 s of beats).
LEARNING_HEARTBEAT_ASYNC_COMMIT = os.environ.get("LEARNING_HEARTBEAT_ASYNC_COMMIT", "1") == "1"

# School-based sessions (校本研修) and offline-session sign-in: rotating codes and their limits.
SIGN_IN_CODE_SECONDS = 60
SIGN_IN_EARLY_MINUTES = 15
SIGN_IN_MAX_FAILURES = 10
SIGN_IN_FAILURE_SECONDS = 600
SCHOOL_SESSION_MAX_HOURS = 8
SCHOOL_SESSION_MAX_LENGTH_HOURS = 12

# H5P: stored packages and libraries live under PRIVATE_ROOT/h5p unless H5P_ROOT says otherwise; they are
# served only through assessments.views (login, approved libraries, strict headers).
H5P_ROOT = os.environ.get("H5P_ROOT", "")
H5P_MAX_PACKAGE_BYTES = int(os.environ.get("H5P_MAX_PACKAGE_BYTES", str(200 * 1024 * 1024)))
H5P_PLAYER_CORE_API = "1.27"  # what the bundled h5p-standalone player provides
# PostgreSQL: commit H5P statements without waiting for the WAL flush (a crash may drop < 1 s of them; the
# teacher answers again); 0 to wait.
H5P_STATEMENT_ASYNC_COMMIT = os.environ.get("H5P_STATEMENT_ASYNC_COMMIT", "1") != "0"
H5P_STATE_SAVE_SECONDS = int(os.environ.get("H5P_STATE_SAVE_SECONDS", "10"))  # how often the player saves where a teacher is
