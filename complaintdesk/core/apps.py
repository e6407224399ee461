from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    name = "complaintdesk.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from complaintdesk.core.checks import check_vendor_assets

        checks.register(check_vendor_assets, checks.Tags.staticfiles)
