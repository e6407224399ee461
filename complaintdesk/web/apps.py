from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "complaintdesk.web"
    label = "web"
    default_auto_field = "django.db.models.BigAutoField"
