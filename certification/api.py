"""The public face of certification: other apps call only these functions."""

from __future__ import annotations
