"""Settings: the environment is the configuration, and a bad value stops start-up by name."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
PRINT_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], 'layer': s.CHANNEL_LAYERS['default']['BACKEND'],"
    " 'eager': s.CELERY_TASK_ALWAYS_EAGER, 'broker': s.CELERY_BROKER_URL, 'lang': s.LANGUAGE_CODE, 'tz': s.TIME_ZONE}))"
)


def start(**env: str) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with exactly this configuration."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY"}}
    clean.update({"ENV_FILE": "", "DJANGO_SETTINGS_MODULE": "salescard.settings", **env})
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )


def test_embedded_default_is_sqlite_in_memory_layer_and_eager_celery() -> None:
    result = start(DEBUG="true")
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    assert config["engine"] == "django.db.backends.sqlite3"
    assert config["layer"] == "channels.layers.InMemoryChannelLayer"
    assert config["eager"] is True
    assert (config["lang"], config["tz"]) == ("zh-hans", "Asia/Shanghai")


def test_redis_url_switches_to_channels_redis_and_a_real_broker() -> None:
    result = start(DEBUG="true", REDIS_URL="redis://127.0.0.1:6399/0", DATABASE_URL="postgres://u@127.0.0.1:5432/db")
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    assert config["engine"] == "django.db.backends.postgresql"
    assert config["layer"] == "channels_redis.core.RedisChannelLayer"
    assert config["eager"] is False
    assert config["broker"] == "redis://127.0.0.1:6399/0"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "mysqlx://nowhere"),
        ("REDIS_URL", "localhost:6379"),
        ("CELERY_TASK_TIME_LIMIT", "-5"),
        ("DATABASE_CONN_MAX_AGE", "soon"),
        ("LANGUAGE_CODE", "fr"),
        ("THROTTLE_KIOSK_TOKENS", "10"),
        ("THROTTLE_SIGN_IN", "5/0"),
        ("API_TOKEN_DAYS", "0"),
    ],
)
def test_malformed_value_stops_start_up_naming_the_variable(variable: str, value: str) -> None:
    env = {"DEBUG": "true", variable: value}
    if variable == "DATABASE_CONN_MAX_AGE":
        env["DATABASE_URL"] = "postgres://u@127.0.0.1:5432/db"
    result = start(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr


def test_debug_off_refuses_the_development_secret_key() -> None:
    result = start(DEBUG="false", ALLOWED_HOSTS="crm.example.cn")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_off_refuses_empty_allowed_hosts() -> None:
    result = start(DEBUG="false", SECRET_KEY="k" * 50)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must list" in result.stderr


def test_debug_off_starts_with_a_real_key_and_hosts() -> None:
    result = start(DEBUG="false", SECRET_KEY="k" * 50, ALLOWED_HOSTS="crm.example.cn")
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("WAL applies to the embedded SQLite database only")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"


def test_env_example_lists_every_variable_settings_read() -> None:
    source = (ROOT / "salescard" / "settings.py").read_text()
    example = (ROOT / ".env.example").read_text()
    read = set(__import__("re").findall(r'_read\(\s*"([A-Z_]+)"', source))
    listed = {line.split("=", 1)[0] for line in example.splitlines() if "=" in line and not line.startswith("#")}
    assert read - listed == set(), f".env.example misses {sorted(read - listed)}"
    assert settings.LANGUAGE_CODE == "zh-hans"
