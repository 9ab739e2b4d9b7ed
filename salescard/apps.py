from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalescardConfig(AppConfig):
    name = "salescard"
    verbose_name = _("Smart card and operations")

    def ready(self) -> None:
        from salescard import checks  # noqa: F401  (registers the system checks)
