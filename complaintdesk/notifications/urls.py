from django.urls import path

from complaintdesk.notifications import views

app_name = "notifications"

urlpatterns = [
    path("track/", views.track_view, name="track"),
    path(
        "complaints/<str:tracking_number>/messages/",
        views.complaint_messages_view,
        name="complaint_messages",
    ),
]
