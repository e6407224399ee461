from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "complaintdesk.surveys"
    label = "surveys"
    verbose_name = _("Satisfaction surveys and follow-up")
    default_auto_field = "django.db.models.BigAutoField"
