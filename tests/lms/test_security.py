"""等级保护 baseline: same message for any wrong login, lockout, password rules, idle timeout, production."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _login(client, username: str, password: str):
    return client.post(reverse("lms:login"), {"username": username, "password": password})


def _error_text(response) -> str:
    return " ".join(str(e) for e in response.context["form"].non_field_errors())


def test_wrong_login_gives_the_same_message_whether_or_not_the_user_exists(client):
    make_user("real_user")
    existing = _login(client, "real_user", "Wrong-Passw0rd!")
    missing = _login(client, "ghost_user", "Wrong-Passw0rd!")
    assert existing.status_code == missing.status_code == 200
    assert _error_text(existing) == _error_text(missing) != ""


def test_sixth_attempt_is_locked_out_even_with_the_right_password(client):
    make_user("target")
    for _attempt in range(4):
        response = _login(client, "target", "Wrong-Passw0rd!")
        assert response.status_code == 200, "the first failures are ordinary failures"
    fifth = _login(client, "target", "Wrong-Passw0rd!")
    assert fifth.status_code == 429, "the fifth failure locks the account"
    locked = _login(client, "target", PASSWORD)
    assert locked.status_code == 429
    assert "30" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_successful_login_lands_on_the_workspace(client):
    make_user("fine")
    response = _login(client, "fine", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("lms:home")


@pytest.mark.parametrize("password", ["short1A!", "alllowercaseletters", "1234567890123", "password123"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_strong_password_passes():
    validate_password("Xuexi-2026-Jiaoshi")


def test_idle_sessions_expire_after_thirty_minutes_of_inactivity(client, monkeypatch):
    from django.contrib.sessions.models import Session

    from lms import session_refresh

    assert settings.SESSION_COOKIE_AGE == 30 * 60
    user = make_user("idle")
    client.force_login(user)
    key = client.session.session_key
    clock = [1_000_000.0]
    monkeypatch.setattr(session_refresh.time, "time", lambda: clock[0])

    def expiry():
        return Session.objects.get(session_key=key).expire_date

    client.get(reverse("lms:login"))
    first = expiry()
    clock[0] += 30  # a request within the refresh margin does not rewrite the session
    client.get(reverse("lms:login"))
    assert expiry() == first
    clock[0] += 61  # activity past the margin moves the expiry on
    client.get(reverse("lms:login"))
    assert expiry() > first
    assert (expiry() - timezone.now()).total_seconds() == pytest.approx(30 * 60, abs=5)


def test_chinese_by_default_english_on_request(client):
    make_user("lang")
    assert "登录" in client.get(reverse("lms:login")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Log in" in client.get(reverse("lms:login")).content.decode()


def _production_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "FIELD_ENCRYPTION_KEY", "LOOKUP_HMAC_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env["DJANGO_SETTINGS_MODULE"] = "lms.settings.production"
    env.setdefault("DATABASE_URL", "sqlite:////tmp/lms-prod-check.sqlite3")
    env.update(overrides)
    return env


def test_production_refuses_to_start_without_its_secrets():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=_production_env(), capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_check_deploy_is_clean():
    env = _production_env(
        SECRET_KEY="a-long-random-secret-key-" + "x9Y#" * 12,
        FIELD_ENCRYPTION_KEY="prod-field-key-for-the-check",
        LOOKUP_HMAC_KEY="prod-lookup-key-for-the-check",
        ALLOWED_HOSTS="lms.example.edu.cn",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
