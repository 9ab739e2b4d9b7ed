"""System checks with stable ids, reported at start-up rather than at the first request."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register


def _writable_dir(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return path.is_dir() and _can_write(path)


def _can_write(path: Path) -> bool:
    probe = path / ".write-check"
    try:
        probe.write_text("ok")
        probe.unlink()
    except OSError:
        return False
    return True


@register()
def check_directories(app_configs, **kwargs) -> list:
    errors = []
    if not _writable_dir(Path(settings.MODEL_DIR)):
        errors.append(
            Error(
                f"MODEL_DIR {settings.MODEL_DIR} is not a writable directory.",
                hint="Set MODEL_DIR to a directory the server may write trained models to.",
                id="salescard.E001",
            )
        )
    if not _writable_dir(Path(settings.MEDIA_ROOT)):
        errors.append(
            Error(
                f"MEDIA_ROOT {settings.MEDIA_ROOT} is not a writable directory.",
                hint="Set MEDIA_ROOT to a directory for uploaded files.",
                id="salescard.E002",
            )
        )
    return errors


@register()
def check_channel_layer(app_configs, **kwargs) -> list:
    backend = settings.CHANNEL_LAYERS.get("default", {}).get("BACKEND", "")
    if settings.REDIS_URL and "Redis" not in backend:
        return [
            Error(
                "REDIS_URL is set but the channel layer is not channels-redis.",
                id="salescard.E003",
            )
        ]
    return []
