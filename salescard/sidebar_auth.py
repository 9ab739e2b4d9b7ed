"""``Authorization: Sidebar <access token>``: how the sidebar page, framed inside an IM client without a session
cookie, calls the API. The token names one staff member and one customer (``salescard.sidebar``)."""

from __future__ import annotations

from dataclasses import dataclass

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from crm.im_profile.sidebar_tokens import read_token

KEYWORD = "Sidebar"


@dataclass(frozen=True)
class SidebarGrant:
    customer_id: int


class SidebarTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        scheme, _, token = get_authorization_header(request).decode("latin-1").partition(" ")
        if scheme != KEYWORD:
            return None
        grant = read_token(token.strip(), link=False)
        if grant is None:
            raise exceptions.AuthenticationFailed("The sidebar token is invalid or has expired: reopen the sidebar.")
        staff, customer_id = grant
        return staff, SidebarGrant(customer_id)

    def authenticate_header(self, request) -> str:
        return KEYWORD


class SidebarTokenScheme(OpenApiAuthenticationExtension):
    target_class = "salescard.sidebar_auth.SidebarTokenAuthentication"
    name = "sidebarToken"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization", "description": "Sidebar <access token>"}
