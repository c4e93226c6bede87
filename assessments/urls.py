"""Routes of assessments: the stored H5P files the player loads, evidence tasks and review."""

from __future__ import annotations

from django.urls import URLPattern, path

from assessments import views, views_evidence as evidence, views_review_admin as monitor

app_name = "assessments"

urlpatterns: list[URLPattern] = [
    path("h5p/activities/<int:activity_id>/<path:path>", views.h5p_file, name="h5p_file"),
    path("evidence/", evidence.my_evidence, name="my_evidence"),
    path("evidence/<int:task_id>/", evidence.evidence_task, name="evidence_task"),
    path("evidence/<int:task_id>/pieces/<int:piece_id>/", evidence.evidence_upload, name="evidence_upload"),
    path("evidence/<int:task_id>/submit/", evidence.evidence_submit, name="evidence_submit"),
    path("evidence/<int:task_id>/appeal/", evidence.evidence_appeal, name="evidence_appeal"),
    path("evidence/files/<int:file_id>/", evidence.evidence_file, name="evidence_file"),
    path("reviews/", evidence.my_reviews, name="my_reviews"),
    path("reviews/quality/", evidence.review_quality, name="review_quality"),
    path("reviews/submissions/", monitor.review_submissions, name="review_submissions"),
    path("reviews/submissions/<int:submission_id>/", monitor.review_submission, name="review_submission"),
    path("reviews/<int:assignment_id>/", evidence.review_page, name="review"),
]
