"""URLs of school-based sessions and sign-in (included into the "courses" namespace by courses/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from courses.views import school_sessions as manage
from courses.views import sign_in

urlpatterns: list[URLPattern] = [
    # School administrators (and the administrators above them).
    path("manage/school-sessions/", manage.school_sessions, name="school_sessions"),
    path("manage/school-sessions/new/", manage.school_session_new, name="school_session_new"),
    path("manage/school-sessions/review/", manage.school_session_review_queue, name="school_session_review_queue"),
    path("manage/school-sessions/<int:session_id>/", manage.school_session_detail, name="school_session_detail"),
    path("manage/school-sessions/<int:session_id>/edit/", manage.school_session_edit, name="school_session_edit"),
    path("manage/school-sessions/<int:session_id>/cancel/", manage.school_session_cancel_view,
         name="school_session_cancel"),
    path("manage/school-sessions/<int:session_id>/attendance/", manage.school_session_attendance,
         name="school_session_attendance"),
    path("manage/school-sessions/<int:session_id>/attendance/add/", manage.school_session_attendance_add,
         name="school_session_attendance_add"),
    path("manage/school-sessions/<int:session_id>/submit/", manage.school_session_submit_view,
         name="school_session_submit"),
    path("manage/school-sessions/<int:session_id>/review/", manage.school_session_review_view,
         name="school_session_review"),
    path("manage/school-sessions/<int:session_id>/display/", manage.school_session_display,
         name="school_session_display"),
    path("manage/school-sessions/<int:session_id>/code.json", manage.school_session_code,
         name="school_session_code"),
    # Teachers.
    path("sign-in/", sign_in.sign_in, name="sign_in"),
    path("sign-in/qr/<str:token>/", sign_in.sign_in_qr, name="sign_in_qr"),
    path("me/school-sessions/", sign_in.my_school_sessions, name="my_school_sessions"),
    path("me/school-sessions/<int:session_id>/", sign_in.my_school_session, name="my_school_session"),
    # Offline-session blocks of course lessons.
    path("learn/lessons/<int:lesson_id>/sessions/<str:block_id>/sign-in/", sign_in.offline_sign_in,
         name="offline_sign_in"),
    path("learn/lessons/<int:lesson_id>/sessions/<str:block_id>/display/", sign_in.offline_display,
         name="offline_display"),
    path("learn/lessons/<int:lesson_id>/sessions/<str:block_id>/code.json", sign_in.offline_code,
         name="offline_code"),
]
