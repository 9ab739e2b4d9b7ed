"""Uploaded files under ``/media/`` in every mode (issue 16, safe defaults; SPEC X3).

Public media — product and case images, the card's photo and 3D model — are shown on the customer's card to
anyone. Private media — chat images from the IM integration, call recordings — belong to a customer: only a
signed-in member of staff who may see that customer gets them (the admin links to them); everyone else gets the
same 404 as for a file that does not exist, so that nothing tells which files exist. Any other folder under
MEDIA_ROOT is not served at all.
"""

from __future__ import annotations

import posixpath

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe
from django.views.static import serve

from crm import tenancy
from crm.access import customers_visible_to
from crm.models import ChatMessage, User
from dialogue.calls.models import Call

PUBLIC_FOLDERS = ("products/", "cases/", "cards/")
PRIVATE_FOLDERS = ("chat/", "calls/")
# An uploaded file is never run as a page of this site, whatever its content.
MEDIA_POLICY = "sandbox; default-src 'none'; img-src 'self'; media-src 'self'"


@require_safe
def media_file(request: HttpRequest, path: str) -> HttpResponse:
    # The folder decides who may read the file: judge the path the file system will open ("products/../chat/…").
    path = posixpath.normpath(path).lstrip("/")
    if path.startswith("..") or "\\" in path:
        raise Http404("Not a media path")
    if path.startswith(PUBLIC_FOLDERS):
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
        response["Cache-Control"] = "public, max-age=86400"
    elif path.startswith(PRIVATE_FOLDERS) and _may_see_private_file(request.user, path):
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
        response["Cache-Control"] = "private, no-store"
    else:
        raise Http404("Not a public file")
    response["Content-Security-Policy"] = MEDIA_POLICY
    return response


def _may_see_private_file(user: User, path: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    visible = customers_visible_to(user)
    if path.startswith("chat/"):
        # A post to a whole group has no customer: its sender and the managers see it.
        allowed = Q() if user.is_manager else Q(customer__in=visible) | Q(customer__isnull=True, staff=user)
        # A manager sees only their organisation's files (issue 19).
        return tenancy.for_user(ChatMessage.objects.filter(allowed, image=path), user).exists()
    return Call.objects.filter(Q(customer__in=visible) | Q(salesperson=user), recording=path).exists()
