from django.contrib import admin
from django.urls import include, path

from complaintdesk.api.urls import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("complaintdesk.remedies.urls")),
    path("", include("complaintdesk.notifications.urls")),
    path("", include("complaintdesk.surveys.urls")),
    path("", include("complaintdesk.web.urls")),
]
