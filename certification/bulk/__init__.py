"""Bulk look-up: a spreadsheet of ID numbers answered by a Celery job with progress."""
