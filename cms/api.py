"""The public face of cms: other apps call only these functions."""

from __future__ import annotations

from cms.demo import cms_demo_content_ensure

__all__ = ["cms_demo_content_ensure"]
