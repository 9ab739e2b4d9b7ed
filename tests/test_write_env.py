"""``make run``'s .env (issue 16, safe defaults): written once by scripts/write-env.py with DEBUG off, a generated
SECRET_KEY and the local host names, never overwritten; the settings then start production-safe on plain HTTP."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts/write-env.py"
PRINT_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps({"
    "'debug': s.DEBUG, 'key': s.SECRET_KEY, 'hosts': s.ALLOWED_HOSTS, 'session_secure': s.SESSION_COOKIE_SECURE,"
    " 'csrf_secure': s.CSRF_COOKIE_SECURE, 'redirect': s.SECURE_SSL_REDIRECT, 'hsts': s.SECURE_HSTS_SECONDS}))"
)


def write_env(output: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--output", str(output), *args], capture_output=True, text=True, timeout=30
    )


def values(env_file: Path) -> dict[str, str]:
    lines = env_file.read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))


def test_env_is_written_with_debug_off_a_new_key_and_the_local_hosts(tmp_path) -> None:
    env_file = tmp_path / ".env"

    result = write_env(env_file, "--host", "192.168.1.20")

    assert result.returncode == 0, result.stderr
    written = values(env_file)
    assert written["DEBUG"] == "false"
    assert len(written["SECRET_KEY"]) >= 50
    assert written["ALLOWED_HOSTS"] == "127.0.0.1,localhost,[::1],192.168.1.20"
    assert (written["SESSION_COOKIE_SECURE"], written["CSRF_COOKIE_SECURE"], written["SECURE_SSL_REDIRECT"]) == (
        "false",
        "false",
        "false",
    )
    assert "a real deployment behind HTTPS sets this to true" in env_file.read_text()
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600  # it holds the secret key


def test_a_wildcard_address_adds_no_host_name(tmp_path) -> None:
    write_env(tmp_path / ".env", "--host", "0.0.0.0")

    assert values(tmp_path / ".env")["ALLOWED_HOSTS"] == "127.0.0.1,localhost,[::1]"


def test_an_existing_env_is_never_overwritten(tmp_path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("DEBUG=true\nSECRET_KEY=the-developers-own\n")

    result = write_env(env_file)

    assert result.returncode == 0
    assert env_file.read_text() == "DEBUG=true\nSECRET_KEY=the-developers-own\n"


def test_every_env_gets_its_own_key(tmp_path) -> None:
    write_env(tmp_path / "a.env")
    write_env(tmp_path / "b.env")

    assert values(tmp_path / "a.env")["SECRET_KEY"] != values(tmp_path / "b.env")["SECRET_KEY"]


def test_the_written_env_starts_django_with_debug_off_on_plain_http(tmp_path) -> None:
    env_file = tmp_path / ".env"
    write_env(env_file)
    clean = {k: v for k, v in os.environ.items() if k not in values(env_file) and k != "DATABASE_URL"}

    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env={**clean, "ENV_FILE": str(env_file), "DJANGO_SETTINGS_MODULE": "salescard.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    started = json.loads(result.stdout)
    assert started["debug"] is False
    assert started["key"] == values(env_file)["SECRET_KEY"]
    assert started["hosts"] == ["127.0.0.1", "localhost", "[::1]"]
    assert (started["session_secure"], started["csrf_secure"], started["redirect"]) == (False, False, False)
    assert started["hsts"] == 31536000  # sent only over HTTPS, so harmless on a plain-HTTP local server
