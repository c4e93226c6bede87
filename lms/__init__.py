"""Project package and the core of people & places."""

from .celery import app as celery_app

__all__ = ("celery_app",)
