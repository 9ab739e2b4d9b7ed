"""URL routes: admin, health, the REST API of every app, and its OpenAPI schema and docs; uploaded files; the
product's own error pages."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import LogoutView
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

import crm.im_profile.urls
import crm.urls
import dialogue.calls.urls
import dialogue.urls
from branch import views as branch_views
from dialogue.calls import views as calls_views
from salescard import (
    card_views,
    dashboard_views,
    lockout,
    media_views,
    profile_urls,
    sidebar_views,
    terminal_views,
    views,
)

admin.site.site_header = settings.SITE_TITLE
admin.site.site_title = settings.SITE_TITLE

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The managers' dashboard: the admin's sign-in (staff only) and look.
    path("manage/", admin.site.admin_view(dashboard_views.dashboard), name="manage-dashboard"),
    path("admin/", admin.site.urls),
    path("api/auth/token/", lockout.obtain_auth_token, name="api-token"),
    path(
        "api/crm/", include((crm.urls.urlpatterns + crm.im_profile.urls.urlpatterns + profile_urls.urlpatterns, "crm"))
    ),
    path("api/intent/", include("intent.urls")),
    path("api/dialogue/", include((dialogue.urls.urlpatterns + dialogue.calls.urls.urlpatterns, "dialogue"))),
    path("api/branch/", include("branch.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # The customer's card: the token is the credential.
    path("c/<str:token>/", card_views.card_page, name="card"),
    path("c/<str:token>/events", card_views.card_event, name="card-event"),
    path("c/<str:token>/consent", card_views.card_consent, name="card-consent"),
    path("c/<str:token>/contact.vcf", card_views.card_vcard, name="card-vcard"),
    path("c/<str:token>/qr.svg", card_views.card_qr, name="card-qr"),
    path("c/<str:token>/verify/send", card_views.card_verify_send, name="card-verify-send"),
    path("c/<str:token>/verify", card_views.card_verify, name="card-verify"),
    path("speech/<str:token>.wav", card_views.card_speech, name="card-speech"),
    # The sales terminal.
    path("sales/", terminal_views.sales_inbox, name="sales-inbox"),
    path("sales/login/", terminal_views.SalesLoginView.as_view(), name="sales-login"),
    path("sales/logout/", LogoutView.as_view(next_page="sales-login"), name="sales-logout"),
    path("sales/conversations/<int:conversation_id>/", terminal_views.sales_conversation, name="sales-conversation"),
    path("sales/share/", terminal_views.sales_share, name="sales-share"),
    path(
        "sales/customers/<int:customer_id>/card-link/",
        terminal_views.sales_reissue_link,
        name="sales-reissue-link",
    ),
    path("sales/calls/", terminal_views.terminal_user(calls_views.sales_calls), name="sales-calls"),
    path("sales/calls/<int:call_id>/", terminal_views.terminal_user(calls_views.sales_calls), name="sales-call"),
    # The IM profile sidebar.
    path("sidebar/", sidebar_views.sidebar_open, name="sidebar-open"),
    path("sidebar/customers/<int:customer_id>/", sidebar_views.sidebar_customer, name="sidebar-customer"),
    # The branch staff's smartwatch.
    path("watch/", branch_views.watch_page, name="watch"),
    # Uploaded files in every mode: public ones to anyone, customers' private ones to staff who may see them.
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media_views.media_file, name="media"),
    path("", views.home, name="home"),
]

handler400 = "salescard.error_views.bad_request"
handler403 = "salescard.error_views.permission_denied"
handler404 = "salescard.error_views.page_not_found"
handler500 = "salescard.error_views.server_error"
