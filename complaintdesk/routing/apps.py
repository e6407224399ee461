from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "complaintdesk.routing"
    label = "routing"
    verbose_name = _("Routing")
    default_auto_field = "django.db.models.BigAutoField"
