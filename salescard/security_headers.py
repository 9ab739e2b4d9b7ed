"""The Content-Security-Policy of every response (issue 16, safe defaults): scripts, styles and everything else
only from this site, no inline scripts or event handlers, no framing (X3).

The policy is ``settings.CONTENT_SECURITY_POLICY``. A view that sends a policy of its own keeps its directives and
receives the rest: the IM sidebar (salescard/sidebar_views.py) sets only ``frame-ancestors`` to the IM clients' origins.
Django's technical error pages under DEBUG carry inline styles and scripts, so they are left alone.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"


def content_security_policy(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if settings.DEBUG and response.status_code in (404, 500) and "text/html" in response.get("Content-Type", ""):
            return response
        response[HEADER] = policy_header(settings.CONTENT_SECURITY_POLICY, response.get(HEADER, ""))
        return response

    return middleware


def policy_header(policy: dict[str, str], own: str = "") -> str:
    """The header value: ``policy`` with the directives of ``own`` (a view's header) in place of the same-named."""
    directives = dict(policy)
    for directive in own.split(";"):
        name, _, value = directive.strip().partition(" ")
        if name:
            directives[name.lower()] = value.strip()
    return "; ".join(f"{name} {value}".rstrip() for name, value in directives.items())
