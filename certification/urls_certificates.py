"""Routes of certificates for teachers and administrators."""

from __future__ import annotations

from django.urls import URLPattern, path

from certification import views, views_manage as manage

urlpatterns: list[URLPattern] = [
    path("certificates/", views.my_certificates, name="my_certificates"),
    path("certificates/<int:certificate_id>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("certificates/manage/", manage.certificate_list, name="manage_list"),
    path("certificates/manage/<int:certificate_id>/", manage.certificate_detail, name="manage_detail"),
    path("certificates/manage/<int:certificate_id>/status/", manage.certificate_status, name="manage_status"),
    path("certificates/manage/teachers/<int:teacher_id>/", manage.teacher_eligibility, name="teacher_eligibility"),
    path("certificates/manage/batches/", manage.batch_list, name="batch_list"),
    path("certificates/manage/batches/<int:batch_id>/", manage.batch_detail, name="batch_detail"),
    path("certificates/manage/batches/<int:batch_id>/pdf/", manage.batch_pdf, name="batch_pdf"),
]
