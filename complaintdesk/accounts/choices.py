from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("Intake agent")
    HANDLER = "handler", _("Department handler")
    SUPERVISOR = "supervisor", _("Supervisor")
    AUDITOR = "auditor", _("Quality auditor")
    ANALYST = "analyst", _("Analyst")
    ADMIN = "admin", _("Administrator")
