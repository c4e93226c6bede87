"""The public face of cms: other apps call only these functions."""

from __future__ import annotations
