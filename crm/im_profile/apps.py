from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImProfileConfig(AppConfig):
    name = "crm.im_profile"
    label = "im_profile"
    verbose_name = _("IM profiles")
