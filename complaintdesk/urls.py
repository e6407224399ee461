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

# A form too large to read gets a page that says so (the API answers its own 413 in JSON).
handler400 = "complaintdesk.web.views.errors.bad_request"
