from django.urls import path

from complaintdesk.remedies.views import consent_view

app_name = "remedies"

urlpatterns = [
    path("consent/<str:token>/", consent_view, name="consent"),
]
