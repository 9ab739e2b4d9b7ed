"""WebSocket authentication: the Django session cookie (browsers) or ``Authorization: Token <key>``
(devices and services that can set headers). Consumers then check ``scope["user"]`` themselves."""

from __future__ import annotations

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser

from base.api_tokens import user_for_key


@database_sync_to_async
def _user_for_token(key: str):

    return user_for_key(key) or AnonymousUser()


def _token_from_headers(headers: list[tuple[bytes, bytes]]) -> str | None:
    for name, value in headers:
        if name.lower() == b"authorization":
            scheme, _, key = value.decode("latin-1").partition(" ")
            if scheme.lower() == "token" and key.strip():
                return key.strip()
    return None


class TokenAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        user = scope.get("user")
        if user is None or not user.is_authenticated:
            key = _token_from_headers(scope.get("headers", []))
            if key:
                scope["user"] = await _user_for_token(key)
        return await super().__call__(scope, receive, send)


def SocketAuthMiddlewareStack(inner):  # noqa: N802 — named like Channels' own AuthMiddlewareStack
    return AuthMiddlewareStack(TokenAuthMiddleware(inner))


CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_GONE = 4410
CLOSE_TOO_MANY = 4429  # too many bad tokens from this client: wait, then try again


async def refuse(consumer, code: int) -> None:
    """Accept, then close with an application code (4401 sign in, 4403 not allowed).

    Closing before accepting would only give the client a bare HTTP 403; the close code tells it
    whether to sign in again or to give up.
    """
    await consumer.accept()
    await consumer.close(code=code)


def socket_language(scope: dict) -> str:
    """The language a socket's messages are written in: the language cookie Django's switcher sets, else the
    browser's Accept-Language, else the default (Simplified Chinese)."""
    from django.conf import settings
    from django.utils import translation
    from django.utils.translation.trans_real import parse_accept_lang_header

    candidates = [(scope.get("cookies") or {}).get(settings.LANGUAGE_COOKIE_NAME, "")]
    for name, value in scope.get("headers") or []:
        if name == b"accept-language":
            candidates += [code for code, _ in parse_accept_lang_header(value.decode("latin-1"))]
    for code in candidates:
        if not code or code == "*":
            continue
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE
