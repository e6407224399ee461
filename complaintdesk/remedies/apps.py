from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemediesConfig(AppConfig):
    name = "complaintdesk.remedies"
    label = "remedies"
    verbose_name = _("Compensation and care")
    default_auto_field = "django.db.models.BigAutoField"
