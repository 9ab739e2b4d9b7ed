"""ASGI entry point: HTTP goes to Django (a few requests at a time, see ``request_limit``); a WebSocket passes
origin validation, then authentication (session cookie or ``Authorization: Token …``), then the URL router that
each app extends, whose routes without an entry in the access matrix refuse every connection (4404)."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salescard.settings")
django_asgi_app = get_asgi_application()

# Imported after Django is set up: the routers import consumers, which import models.
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from base.socket_auth import SocketAuthMiddlewareStack  # noqa: E402
from salescard.access_matrix import guard_socket_routes  # noqa: E402
from salescard.housekeeping import HousekeepingMiddleware  # noqa: E402
from salescard.log_redaction import AccessLogMiddleware  # noqa: E402
from salescard.request_limit import RequestLimiter  # noqa: E402
from salescard.routing import websocket_urlpatterns  # noqa: E402
from salescard.torch_threads import limit_torch_threads_for_requests  # noqa: E402

limit_torch_threads_for_requests()

# The access log, with tokens redacted (salescard/log_redaction.py), in place of Daphne's (run with --verbosity 0).
application = HousekeepingMiddleware(
    AccessLogMiddleware(
        ProtocolTypeRouter(
            {
                "http": RequestLimiter(
                    django_asgi_app,
                    settings.WEB_MAX_CONCURRENT_REQUESTS,
                    exempt_prefixes=(settings.STATIC_URL, settings.MEDIA_URL, "/speech/"),
                ),
                "websocket": AllowedHostsOriginValidator(
                    SocketAuthMiddlewareStack(URLRouter(guard_socket_routes(websocket_urlpatterns)))
                ),
            }
        )
    )
)
