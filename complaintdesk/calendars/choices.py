from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClosureKind(models.TextChoices):
    CLOSED = "closed", _("Closed")
    EXTRA_WORKING_DAY = "extra_working_day", _("Extra working day")
