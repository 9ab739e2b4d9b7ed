from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = _("Customers and products")

    def ready(self) -> None:
        # Every model admin of every app shows a manager only their organisation (issue 19). Django's admin app,
        # listed before this one, has loaded every admin module by now.
        from django.contrib import admin

        from crm.admin_scoping import scope_every_admin

        scope_every_admin(admin.site)
