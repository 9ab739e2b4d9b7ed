"""Safe defaults (issue 16): production settings pass ``manage.py check --deploy``, every response carries the
Content-Security-Policy without inline scripts and ``nosniff``, and a view's own directives (the IM sidebar's
frame-ancestors) survive."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from salescard.security_headers import policy_header

ROOT = Path(__file__).resolve().parents[2]


def production_environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "SESSION_", "CSRF_"))}
    env.pop("REDIS_URL", None)
    env.update(
        {
            "ENV_FILE": "",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "crm.example.cn",
            "DJANGO_SETTINGS_MODULE": "salescard.settings",
            **extra,
        }
    )
    return env


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_under_the_production_settings() -> None:
    result = check_deploy(production_environment())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_catches_a_plain_http_set_up() -> None:
    # The check is real: the settings a local plain-HTTP .env turns off are reported as soon as they are off.
    result = check_deploy(production_environment(SESSION_COOKIE_SECURE="false", SECURE_SSL_REDIRECT="false"))

    assert result.returncode != 0
    assert "security.W012" in result.stderr + result.stdout
    assert "security.W008" in result.stderr + result.stdout


def test_every_page_gets_the_policy_without_inline_scripts(client, db) -> None:
    response = client.get("/sales/login/")

    policy = dict(part.split(" ", 1) for part in response["Content-Security-Policy"].split("; "))
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_unknown_page_and_api_answer_carry_the_policy_too(client, db) -> None:
    for path in ("/no-such-page/", "/api/crm/customers/"):
        response = client.get(path)
        assert "script-src 'self'" in response["Content-Security-Policy"], path
        assert response["X-Content-Type-Options"] == "nosniff", path


def test_a_views_own_directive_replaces_the_default_one() -> None:
    header = policy_header({"default-src": "'self'", "frame-ancestors": "'none'"}, "frame-ancestors 'self' https://im")

    assert header == "default-src 'self'; frame-ancestors 'self' https://im"


@pytest.mark.parametrize("value", ["X-Forwarded-Proto", "=https"])
def test_a_malformed_proxy_header_stops_start_up_by_name(value: str) -> None:
    result = check_deploy(production_environment(SECURE_PROXY_SSL_HEADER=value))

    assert result.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER" in result.stderr
