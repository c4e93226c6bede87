"""Routes of public verification (no login), published keys and issuer profiles, and the badge download."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("verify/", views.verify, name="verify"),
    path("verify/keys.json", views.keys_json, name="verify_keys_json"),
    path("verify/keys/", views.keys_page, name="verify_keys"),
    path("verify/keys/verify_qr_offline.py", views.offline_script, name="verify_offline_script"),
    path("verify/keys/<str:organisation_code>.json", views.issuer_keys_json, name="verify_issuer_keys_json"),
    path("verify/issuers/<str:organisation_code>/", views.issuer_profile_json, name="verify_issuer_profile"),
    path("verify/<str:number>/", views.verify_number, name="verify_number"),
    path("certificates/<int:certificate_id>/badge.jwt", views.certificate_badge, name="certificate_badge"),
]
