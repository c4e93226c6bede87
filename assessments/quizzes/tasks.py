"""Celery tasks of quiz marking."""
