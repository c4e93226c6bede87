"""The public face of assessments: other apps call only these functions."""

from __future__ import annotations
