from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "complaintdesk.intake"
    label = "intake"
    default_auto_field = "django.db.models.BigAutoField"
