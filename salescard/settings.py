"""The one settings module: every knob comes from the environment (django-environ).

One switch decides how SalesCard runs (ARCHITECTURE "Two ways to run"):
- ``REDIS_URL`` unset: the embedded default — SQLite in WAL mode, an in-memory channel layer and eager
  Celery, all in one Daphne process;
- ``REDIS_URL`` set: channels-redis and a Redis broker, with Celery workers in their own processes
  (``DATABASE_URL`` then normally points at PostgreSQL).

A malformed value stops start-up with ``ImproperlyConfigured`` naming the variable.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

# Used only while DEBUG is on; with DEBUG off start-up refuses it.
DEVELOPMENT_SECRET_KEY = "django-insecure-salescard-development-key-do-not-use-in-production"

env = environ.Env()
_env_file = os.environ.get("ENV_FILE", str(BASE_DIR / ".env"))
if _env_file and Path(_env_file).is_file():
    environ.Env.read_env(_env_file, overwrite=False)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _read(name: str, parse: Callable[[str], Any], default: Any) -> Any:
    """Read one variable; a value that does not parse stops start-up with the variable's name."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return parse(raw)
    except (ValueError, TypeError, ImproperlyConfigured) as exc:
        raise ImproperlyConfigured(f"Environment variable {name} is malformed ({raw!r}): {exc}") from exc


def _bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError("expected one of true/false, yes/no, on/off, 1/0")


def _positive_int(raw: str) -> int:
    value = int(raw)
    if value <= 0:
        raise ValueError("expected a positive whole number")
    return value


def _list(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


SUPPORTED_DATABASE_SCHEMES = ("sqlite", "postgres", "postgresql", "pgsql")


def _database(raw: str) -> dict[str, Any]:
    if raw.split("://", 1)[0] not in SUPPORTED_DATABASE_SCHEMES:
        raise ValueError("unsupported database; use sqlite:///path or postgres://user:pass@host:port/name")
    config = env.db_url_config(raw)
    if config["ENGINE"] == "django.db.backends.sqlite3" and config["NAME"] != ":memory:":
        config["NAME"] = str(_path(config["NAME"]))
    return config


def _redis_url(raw: str) -> str:
    value = raw.strip()
    if value and not value.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError("expected redis://host:port/db, rediss://… or unix://…")
    return value


def _rate(raw: str) -> tuple[int, int]:
    count, _, seconds = raw.partition("/")
    try:
        rate = int(count), int(seconds)
    except ValueError:
        raise ValueError("expected N/SECONDS, e.g. 12/60") from None
    if min(rate) < 1:
        raise ValueError("both numbers must be at least 1")
    return rate


def _path(raw: str) -> Path:
    if not raw.strip():
        raise ValueError("expected a directory path")
    path = Path(raw).expanduser()
    return path if path.is_absolute() else BASE_DIR / path


# --- Core -------------------------------------------------------------------------------------------
DEBUG: bool = _read("DEBUG", _bool, False)
SECRET_KEY: str = _read("SECRET_KEY", str, DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS: list[str] = _read("ALLOWED_HOSTS", _list, ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS: list[str] = _read("CSRF_TRUSTED_ORIGINS", _list, [])

if not DEBUG:
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a long random value (at least 32 characters) when DEBUG is off."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must list the host names served when DEBUG is off.")

DATA_DIR: Path = BASE_DIR / "var"
MEDIA_ROOT: Path = _read("MEDIA_ROOT", _path, DATA_DIR / "media")
MEDIA_URL = "/media/"
MODEL_DIR: Path = _read("MODEL_DIR", _path, DATA_DIR / "models")
STATIC_ROOT: Path = _read("STATIC_ROOT", _path, DATA_DIR / "static")
STATIC_URL = "/static/"
STATICFILES_DIRS = [path for path in [BASE_DIR / "static"] if path.is_dir()]

# --- Applications -----------------------------------------------------------------------------------
INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "salescard.axes_app.SignInLockoutsConfig",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "base",
    "crm",
    "crm.im_profile",
    "intent",
    "dialogue",
    "dialogue.speech",
    "dialogue.calls",
    "branch",
    "salescard",
]

MIDDLEWARE = [
    "salescard.server_timing.server_timing",
    "django.middleware.security.SecurityMiddleware",
    "salescard.security_headers.content_security_policy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Deny by default: a route without an entry in the access matrix (salescard/access_matrix.py) answers 404.
    "salescard.access_matrix.AccessMatrixMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page (salescard/lockout.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "salescard.urls"
ASGI_APPLICATION = "salescard.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------------
DATABASES = {"default": _read("DATABASE_URL", _database, _database(f"sqlite:///{DATA_DIR / 'salescard.sqlite3'}"))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer commits; IMMEDIATE transactions take the write lock up
    # front, so concurrent writers wait (up to the timeout) instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    # A file-backed test database, so that server processes started by the tests share it.
    # TEST_DATABASE_FILE lets two test runs on one checkout keep apart.
    DATABASES["default"]["TEST"] = {"NAME": str(_read("TEST_DATABASE_FILE", _path, DATA_DIR / "test.sqlite3"))}
    for _sqlite_file in (DATABASES["default"]["NAME"], DATABASES["default"]["TEST"]["NAME"]):
        Path(_sqlite_file).parent.mkdir(parents=True, exist_ok=True)
else:
    DATABASES["default"]["CONN_MAX_AGE"] = _read("DATABASE_CONN_MAX_AGE", int, 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Every request runs in one transaction: a failed request writes nothing.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users and authentication -----------------------------------------------------------------------
AUTH_USER_MODEL = "crm.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out sign-in before a password is checked; it authenticates no one itself.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "crm.permissions.RoleBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# Guessing throttles (base/throttle.py): at most N failures per client in a window of S seconds ("N/S"); the
# client is then refused (429) until the window ends. Card link tokens, card verification codes (SMS), kiosk
# tokens (ticket API), watch tokens (/ws/wearable/) and IM sidebar links.
THROTTLE_CARD_TOKENS: tuple[int, int] = _read("THROTTLE_CARD_TOKENS", _rate, (20, 600))
THROTTLE_CARD_CODES: tuple[int, int] = _read("THROTTLE_CARD_CODES", _rate, (5, 900))
THROTTLE_KIOSK_TOKENS: tuple[int, int] = _read("THROTTLE_KIOSK_TOKENS", _rate, (10, 600))
THROTTLE_DEVICE_TOKENS: tuple[int, int] = _read("THROTTLE_DEVICE_TOKENS", _rate, (10, 600))
THROTTLE_SIDEBAR_TOKENS: tuple[int, int] = _read("THROTTLE_SIDEBAR_TOKENS", _rate, (20, 600))
# Sign-in throttling (django-axes, salescard/lockout.py) on the sales terminal, the admin and /api/auth/token/: after
# N wrong passwords for one user name from one address, that pair is locked out for S seconds ("N/S"); a success
# resets the count. Lockouts are listed in the admin ("Sign-in lockouts"), where deleting one unlocks at once.
THROTTLE_SIGN_IN: tuple[int, int] = _read("THROTTLE_SIGN_IN", _rate, (5, 900))
AXES_FAILURE_LIMIT = THROTTLE_SIGN_IN[0]
AXES_COOLOFF_TIME = timedelta(seconds=THROTTLE_SIGN_IN[1])
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_RESET_ON_SUCCESS = True
# A wrong password during the lockout does not start the cool-off again: Retry-After stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "salescard.lockout.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Axes reads the client's address from REMOTE_ADDR (django-ipware is not installed), like the guessing throttles:
# behind a reverse proxy run Daphne with --proxy-headers, so that a client cannot pick its address.

# --- Internationalisation (X4) ----------------------------------------------------------------------
LANGUAGE_CODE: str = _read("LANGUAGE_CODE", str, "zh-hans")
# Traditional Chinese (Hong Kong forms) is for Cantonese speakers; its catalogue is derived from the Simplified one.
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"LANGUAGE_CODE must be one of {', '.join(dict(LANGUAGES))}, not {LANGUAGE_CODE!r}.")
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE: str = _read("TIME_ZONE", str, "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------------------
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Real-time and background work (the one switch) -------------------------------------------------
REDIS_URL: str = _read("REDIS_URL", _redis_url, "")
EMBEDDED = not REDIS_URL

# HTTP requests inside Django at once per web process; the rest wait in the event loop (salescard/request_limit.py).
# One on the embedded default (one SQLite writer, one interpreter lock); a few where the database is a server.
WEB_MAX_CONCURRENT_REQUESTS: int = _read("WEB_MAX_CONCURRENT_REQUESTS", _positive_int, 1 if EMBEDDED else 4)

if EMBEDDED:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py 8 reads with a 5 s socket timeout by default, the same as channels-redis's blocking pop: a
            # socket idle for 5 s then fails with "Timeout reading" (redis/redis-py#4091). Read longer than the pop.
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 30}], "capacity": 1500, "expiry": 30},
        }
    }

# The cache holds the guessing throttle's counters (base/throttle.py): per process on the embedded default,
# shared by every web process in Redis.
if EMBEDDED:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = EMBEDDED
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_QUEUES_NAMES = ("default", "inference", "speech", "training")
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "intent.tasks.predict_intents_task": {"queue": "inference"},
    "intent.tasks.retrain_intent_task": {"queue": "training"},
    "intent.tasks.retrain_all_intent_task": {"queue": "training"},
    "dialogue.tasks.deliver_handoff_task": {"queue": "default"},
    "dialogue.tasks.sweep_handoffs_task": {"queue": "default"},
    "branch.tasks.escalate_tasks_task": {"queue": "default"},
    "branch.tasks.analyse_task_task": {"queue": "inference"},
    "crm.im_profile.tasks.extract_message_task": {"queue": "inference"},
    "dialogue.calls.tasks.transcribe_call_task": {"queue": "speech"},
    "dialogue.calls.tasks.retrain_reply_model_task": {"queue": "training"},
}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_IGNORE_RESULT = True  # results go to model rows, not to a result backend
CELERY_TASK_SOFT_TIME_LIMIT: int = _read("CELERY_TASK_SOFT_TIME_LIMIT", _positive_int, 300)
CELERY_TASK_TIME_LIMIT: int = _read("CELERY_TASK_TIME_LIMIT", _positive_int, 360)
CELERY_TASK_DEFAULT_RETRY_DELAY = 5
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# With acks_late a message is redelivered only after the visibility timeout: keep it above the
# longest task (training) so that a running task is not handed to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 3600}
CELERY_TIMEZONE = TIME_ZONE
# Who runs the periodic jobs (salescard/housekeeping.py): every web process on its own event loop (the embedded
# default), or Celery beat sending them to the workers (distributed: run ``celery -A salescard beat``, as ``make
# run-distributed`` does, and leave this false so that web processes do not sweep as well).
PERIODIC_JOBS_IN_WEB: bool = _read("PERIODIC_JOBS_IN_WEB", _bool, EMBEDDED)

# torch threads in a web process (see salescard/torch_threads.py); workers and commands keep torch's default.
WEB_TORCH_THREADS: int = _read("WEB_TORCH_THREADS", _positive_int, 1)


# --- Hand-off notifications (SPEC S13) ---------------------------------------------------------------
# In-app push to the salesperson's terminal always; e-mail through Django's e-mail backend (console by
# default: set EMAIL_URL, e.g. smtp+tls://user:password@host:587, for real mail); SMS through a pluggable
# backend (``dialogue.sms.ConsoleSmsBackend`` prints the text; plug in a gateway by dotted path).
HANDOFF_CHANNELS: list[str] = _read("HANDOFF_CHANNELS", _list, ["inapp", "email", "sms"])
# E-mail and SMS reach only staff who are not online in the terminal, at most once per conversation in this window.
HANDOFF_NOTIFY_BATCH_SECONDS: int = _read("HANDOFF_NOTIFY_BATCH_SECONDS", _positive_int, 600)
# Hand-offs nobody accepted are swept this often (0: only from customer messages and ``manage.py sweep_handoffs``);
# the time to accept is a scoring setting managers edit. A periodic job (salescard/housekeeping.py).
HANDOFF_SWEEP_SECONDS: int = _read("HANDOFF_SWEEP_SECONDS", int, 10)
_email = env.email_url_config(_read("EMAIL_URL", str, "consolemail://"))
EMAIL_BACKEND: str = _email["EMAIL_BACKEND"]
EMAIL_HOST: str = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT: int = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER: str = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD: str = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS: bool = bool(_email.get("EMAIL_USE_TLS"))
EMAIL_USE_SSL: bool = bool(_email.get("EMAIL_USE_SSL"))
DEFAULT_FROM_EMAIL: str = _read("DEFAULT_FROM_EMAIL", str, "SalesCard <noreply@salescard.example>")
SMS_BACKEND: str = _read("SMS_BACKEND", str, "dialogue.sms.ConsoleSmsBackend")
# Where dialogue.sms.FileSmsBackend writes the messages it "sends" (one JSON line each).
SMS_OUTBOX_FILE: Path = _read("SMS_OUTBOX_FILE", _path, DATA_DIR / "sms-outbox.jsonl")

# --- The smart card (SPEC S8–S14) -------------------------------------------------------------------
# Speech engine (dotted path of a base.tts.SpeechEngine) and where rendered audio is cached.
TTS_ENGINE: str = _read("TTS_ENGINE", str, "base.tts.EspeakEngine")
TTS_CACHE_DIR: Path = _read("TTS_CACHE_DIR", _path, DATA_DIR / "tts")
# A stored intent prediction older than this (hours) is recomputed inline when a card opens.
CARD_INTENT_MAX_AGE_HOURS: int = _read("CARD_INTENT_MAX_AGE_HOURS", _positive_int, 24)
# A card chat idle for longer than this (hours) starts a new conversation on the next opening.
CARD_CONVERSATION_IDLE_HOURS: int = _read("CARD_CONVERSATION_IDLE_HOURS", _positive_int, 12)
# Chat rate limit per card link: at most N customer messages in a sliding window of S seconds ("N/S").
CARD_CHAT_RATE: tuple[int, int] = _read("CARD_CHAT_RATE", _rate, (12, 60))
# A personal card link expires after this many days (sharing it again issues a new one); public links do not.
CARD_LINK_VALID_DAYS: int = _read("CARD_LINK_VALID_DAYS", _positive_int, 365)
# "是本人？": a personal link opened on an unbound browser offers a code sent to the customer's phone. A code lives
# CARD_CODE_SECONDS and allows CARD_CODE_TRIES wrong tries; at most CARD_CODES_PER_HOUR codes per link an hour, one per
# CARD_CODE_INTERVAL_SECONDS.
CARD_CODE_SECONDS: int = _read("CARD_CODE_SECONDS", _positive_int, 600)
CARD_CODE_TRIES: int = _read("CARD_CODE_TRIES", _positive_int, 5)
CARD_CODES_PER_HOUR: int = _read("CARD_CODES_PER_HOUR", _positive_int, 5)
CARD_CODE_INTERVAL_SECONDS: int = _read("CARD_CODE_INTERVAL_SECONDS", _positive_int, 60)

# --- Branch watches (SPEC B1, B5) ------------------------------------------------------------------
# The server pings every watch every WATCH_HEARTBEAT_SECONDS; a watch silent for WATCH_TIMEOUT_SECONDS is closed
# (code 4408) and reconnects. A watch has WATCH_AUTH_SECONDS after connecting to send its token.
WATCH_HEARTBEAT_SECONDS: int = _read("WATCH_HEARTBEAT_SECONDS", _positive_int, 25)
WATCH_TIMEOUT_SECONDS: int = _read("WATCH_TIMEOUT_SECONDS", _positive_int, 60)
WATCH_AUTH_SECONDS: int = _read("WATCH_AUTH_SECONDS", _positive_int, 10)
# A watch's device token and a branch's kiosk token stop working this many days after they were issued (a new one is
# issued in the admin).
DEVICE_TOKEN_DAYS: int = _read("DEVICE_TOKEN_DAYS", _positive_int, 365)
KIOSK_TOKEN_DAYS: int = _read("KIOSK_TOKEN_DAYS", _positive_int, 365)
# How a new task is announced on the watch: any of vibrate, voice, ring, text.
BRANCH_REMINDERS: list[str] = _read("BRANCH_REMINDERS", _list, ["vibrate", "voice", "ring", "text"])
# A task no watch accepts within BRANCH_ACK_SECONDS is announced again, up to BRANCH_REMINDERS_BEFORE_ESCALATION
# times, then escalated to the branch manager.
BRANCH_ACK_SECONDS: int = _read("BRANCH_ACK_SECONDS", _positive_int, 60)
BRANCH_REMINDERS_BEFORE_ESCALATION: int = _read("BRANCH_REMINDERS_BEFORE_ESCALATION", int, 1)
# How often overdue tasks are looked for (a periodic job, salescard/housekeeping.py; 0: only ``manage.py
# escalate_tasks``), whether or not any watch is online.
BRANCH_ESCALATION_SWEEP_SECONDS: int = _read("BRANCH_ESCALATION_SWEEP_SECONDS", int, 5)

# --- Call assistant (SPEC V1–V9) ---------------------------------------------------------------------
# The longest call recording accepted (seconds) and the largest upload (bytes).
CALL_MAX_SECONDS: int = _read("CALL_MAX_SECONDS", _positive_int, 2 * 3600)
CALL_MAX_BYTES: int = _read("CALL_MAX_BYTES", _positive_int, 200 * 1024 * 1024)
# V9: retrain the reply-script model after this many new feedback samples.
REPLY_RETRAIN_AFTER: int = _read("REPLY_RETRAIN_AFTER", _positive_int, 10)
# V1 live capture: a pause this long ends an utterance; an utterance is cut at the longest.
LIVE_PAUSE_SECONDS: float = _read("LIVE_PAUSE_SECONDS", float, 0.6)
LIVE_MAX_UTTERANCE_SECONDS: float = _read("LIVE_MAX_UTTERANCE_SECONDS", float, 12.0)
# Speech recognition: an openai-whisper checkpoint path (manage.py build_asr_model writes the default) or a name.
WHISPER_MODEL: str = _read("WHISPER_MODEL", str, str(MODEL_DIR / "whisper" / "base.pt"))

# --- IM profile sidebar (SPEC P1–P6) ---------------------------------------------------------------
# A signed webhook whose timestamp is further than this from now is refused (replay protection).
IM_WEBHOOK_TOLERANCE_SECONDS: int = _read("IM_WEBHOOK_TOLERANCE_SECONDS", _positive_int, 300)
# The largest webhook body accepted (an image travels base64-encoded inside it).
IM_WEBHOOK_MAX_BYTES: int = _read("IM_WEBHOOK_MAX_BYTES", _positive_int, 8 * 1024 * 1024)
# Origins of the IM clients that may embed the sidebar in a frame (CSP frame-ancestors), comma-separated.
IM_FRAME_ORIGINS: list[str] = _read("IM_FRAME_ORIGINS", _list, [])
# How long a signed IM sidebar link stays valid (seconds), and the default chat deep link of the closeness ranking.
IM_SIDEBAR_TOKEN_SECONDS: int = _read("IM_SIDEBAR_TOKEN_SECONDS", _positive_int, 600)
IM_CHAT_LINK_TEMPLATE: str = _read("IM_CHAT_LINK_TEMPLATE", str, "wxwork://message?username={staff_im_id}")
# Embedded setup only: read chat messages for facts in a background thread of the web process, not in the request.
CRM_EXTRACT_IN_BACKGROUND: bool = _read("CRM_EXTRACT_IN_BACKGROUND", _bool, True)

# --- REST API ---------------------------------------------------------------------------------------
# An API token (POST /api/auth/token/) is refused after this many days; the next sign-in issues a new one.
API_TOKEN_DAYS: int = _read("API_TOKEN_DAYS", _positive_int, 30)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an unauthenticated API call answers 401 with WWW-Authenticate.
        "base.api_tokens.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["crm.permissions.IsStaffMember"],
    "DEFAULT_PAGINATION_CLASS": "crm.api.pagination.StandardPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": "1200/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SalesCard API",
    "DESCRIPTION": "REST API of SalesCard, the AI sales CRM: customers, products, consent and behaviour.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name for the emotion choices that several serializers share (otherwise check --deploy warns).
    "ENUM_NAME_OVERRIDES": {"EmotionEnum": "dialogue.models.Emotion"},
}

# --- Security ---------------------------------------------------------------------------------------
# With DEBUG off every HTTPS protection is on by default (``manage.py check --deploy`` is clean); the .env that
# ``make run`` writes for plain local HTTP turns the HTTPS-only ones off. With DEBUG on they are off: a developer's
# server speaks plain HTTP.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "salescard.error_views.csrf_failure"
SESSION_COOKIE_SECURE: bool = not DEBUG and _read("SESSION_COOKIE_SECURE", _bool, True)
CSRF_COOKIE_SECURE: bool = not DEBUG and _read("CSRF_COOKIE_SECURE", _bool, SESSION_COOKIE_SECURE)
SECURE_SSL_REDIRECT: bool = not DEBUG and _read("SECURE_SSL_REDIRECT", _bool, True)
# Load balancers probe the health endpoints over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS: int = 0 if DEBUG else _read("SECURE_HSTS_SECONDS", int, 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS: bool = not DEBUG and _read("SECURE_HSTS_INCLUDE_SUBDOMAINS", _bool, True)
# Preloading is a commitment of the whole domain that is slow to undo (anyone may submit a domain that sends the
# directive): the operator opts in. Until then Django's reminder about it (security.W021) is silenced.
SECURE_HSTS_PRELOAD: bool = _read("SECURE_HSTS_PRELOAD", _bool, False)
SILENCED_SYSTEM_CHECKS: list[str] = [] if SECURE_HSTS_PRELOAD else ["security.W021"]


def _proxy_ssl_header(raw: str) -> tuple[str, str]:
    name, _, value = raw.partition("=")
    if not name.strip() or not value.strip():
        raise ValueError("expected HEADER=VALUE, e.g. X-Forwarded-Proto=https")
    return "HTTP_" + name.strip().upper().replace("-", "_"), value.strip()


# Behind a TLS-terminating proxy that sets it (and strips it from clients): e.g. X-Forwarded-Proto=https.
SECURE_PROXY_SSL_HEADER: tuple[str, str] | None = _read("SECURE_PROXY_SSL_HEADER", _proxy_ssl_header, None)

# Content-Security-Policy of every response (salescard/security_headers.py): no inline scripts anywhere. A view
# may send its own directives (the IM sidebar's frame-ancestors); they replace the same-named ones here.
CONTENT_SECURITY_POLICY: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data: blob:",
    "media-src": "'self' blob:",
    "font-src": "'self' data:",
    "connect-src": "'self' ws: wss:",
    "worker-src": "'self' blob:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

# --- Demo -------------------------------------------------------------------------------------------
DEMO_MANAGER_USERNAME: str = _read("DEMO_MANAGER_USERNAME", str, "manager")
DEMO_MANAGER_PASSWORD: str = _read("DEMO_MANAGER_PASSWORD", str, "")

# Every handler carries the redaction filter: no card or sidebar token, no Authorization value reaches a log
# (salescard/log_redaction.py). The access log is ours (logger salescard.access), Daphne's is off (--verbosity 0).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "salescard.log_redaction.RedactingFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}},
    # Django's default handlers for its "django" logger (a bare console one, and error mails to ADMINS) would write
    # past the filter: its records go to the root handler like every other.
    # django-axes announces itself at INFO on every start (each manage.py command); its lockouts are warnings.
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "axes.apps": {"level": "WARNING"},
    },
    "root": {"handlers": ["console"], "level": _read("LOG_LEVEL", lambda v: v.upper(), "INFO")},
}

# Referenced in admin titles.
SITE_TITLE = _("SalesCard")
