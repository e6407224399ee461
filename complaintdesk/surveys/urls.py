from django.urls import path

from complaintdesk.surveys import views

app_name = "surveys"

urlpatterns = [
    path("survey/<str:token>/", views.survey_view, name="answer"),
    path("follow-up-visits/", views.visits_due_view, name="visits_due"),
    path(
        "complaints/<str:tracking_number>/aftercare/",
        views.complaint_aftercare_view,
        name="complaint_aftercare",
    ),
    path(
        "follow-up-visits/<int:visit_id>/outcome/", views.visit_outcome_view, name="visit_outcome"
    ),
]
