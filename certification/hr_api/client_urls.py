"""Pages at /manage/api-clients/ (inside the certification namespace)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import client_views as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.api_client_list, name="api_client_list"),
    path("issue/", views.api_client_issue_view, name="api_client_issue"),
    path("<int:client_id>/", views.api_client_detail, name="api_client_detail"),
    path("<int:client_id>/revoke/", views.api_client_revoke_view, name="api_client_revoke"),
]
