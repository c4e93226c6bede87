"""The public face of courses: other apps call only these functions."""

from __future__ import annotations
