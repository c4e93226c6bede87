"""Log in, log out, and the workspace each role lands on."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lms.selectors import teacher_for_user, user_is_read_only, user_roles
from lms.workspace import workspace_groups_for


class LoginView(auth_views.LoginView):
    template_name = "lms/login.html"
    redirect_authenticated_user = True


login_view = LoginView.as_view()
logout_view = auth_views.LogoutView.as_view()


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "grants": user_roles(user=user),
        "teacher": teacher_for_user(user=user),
        "read_only": user_is_read_only(user=user),
        "groups": workspace_groups_for(user),
    }
    return render(request, "lms/home.html", context)
