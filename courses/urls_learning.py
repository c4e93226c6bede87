"""URLs of learning (included into the "courses" namespace by courses/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from courses.views import activities, learning, quizzes

urlpatterns: list[URLPattern] = [
    path("learn/lessons/<int:lesson_id>/videos/<str:block_id>/start/", learning.watch_start_view, name="watch_start"),
    path("learn/heartbeat/", learning.heartbeat_view, name="heartbeat"),
    path("learn/lessons/<int:lesson_id>/done/", learning.lesson_done_view, name="lesson_done"),
    path("learn/lessons/<int:lesson_id>/h5p/<str:block_id>/statements/", activities.h5p_statement_view,
         name="h5p_statement"),
    path("learn/lessons/<int:lesson_id>/h5p/<str:block_id>/state/", activities.h5p_state_view, name="h5p_state"),
    path("learn/lessons/<int:lesson_id>/quiz/<str:block_id>/start/", quizzes.quiz_start_view, name="quiz_start"),
    path("learn/lessons/<int:lesson_id>/quiz/<str:block_id>/submit/", quizzes.quiz_submit_view, name="quiz_submit"),
]
