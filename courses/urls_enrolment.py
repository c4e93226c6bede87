"""URLs of enrolment and cohorts (included into the "courses" namespace by courses/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from courses.views import enrolment

urlpatterns: list[URLPattern] = [
    path("courses/<int:course_id>/enrol/", enrolment.enrol, name="enrol"),
    path("courses/<int:course_id>/withdraw/", enrolment.withdraw, name="withdraw"),
    path("manage/cohorts/", enrolment.cohorts, name="cohorts"),
    path("manage/cohorts/new/", enrolment.cohort_new, name="cohort_new"),
    path("manage/cohorts/<int:cohort_id>/", enrolment.cohort_detail, name="cohort"),
    path("manage/cohorts/<int:cohort_id>/schools/", enrolment.cohort_add_school, name="cohort_add_school"),
    path("manage/cohorts/<int:cohort_id>/teachers/", enrolment.cohort_add_teachers, name="cohort_add_teachers"),
    path(
        "manage/cohorts/<int:cohort_id>/members/<int:enrolment_id>/remove/",
        enrolment.cohort_remove,
        name="cohort_remove",
    ),
    path("manage/cohorts/<int:cohort_id>/tutors/", enrolment.cohort_tutors, name="cohort_tutors"),
]
