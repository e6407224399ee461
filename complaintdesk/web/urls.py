from django.contrib.auth import views as auth_views
from django.urls import include, path

from complaintdesk.web.views import actions, complaints, intake, plans, triage

app_name = "web"

urlpatterns = [
    path("", complaints.complaint_list_view, name="home"),
    path("complaints/", complaints.complaint_list_view, name="complaint_list"),
    path("complaints/new/", intake.complaint_new_view, name="complaint_new"),
    path(
        "complaints/<str:tracking_number>/",
        complaints.complaint_detail_view,
        name="complaint_detail",
    ),
    path(
        "complaints/<str:tracking_number>/activity/",
        complaints.complaint_activity_view,
        name="complaint_activity",
    ),
    path(
        "complaints/<str:tracking_number>/attachments/",
        complaints.complaint_attachments_view,
        name="complaint_attachments",
    ),
    path(
        "complaints/<str:tracking_number>/actions/<slug:action>/",
        actions.complaint_action_view,
        name="complaint_action",
    ),
    path(
        "complaints/<str:tracking_number>/plans/",
        plans.complaint_plans_view,
        name="complaint_plans",
    ),
    path(
        "complaints/<str:tracking_number>/plans/new/",
        plans.plan_draft_view,
        name="plan_draft",
    ),
    path(
        "complaints/<str:tracking_number>/plans/<int:plan_id>/revision/",
        plans.plan_revise_view,
        name="plan_revise",
    ),
    path(
        "complaints/<str:tracking_number>/plans/<int:plan_id>/<slug:decision>/",
        plans.plan_decision_view,
        name="plan_decision",
    ),
    path(
        "complaints/<str:tracking_number>/plans/<int:plan_id>/steps/<int:step_id>/done/",
        plans.execution_step_view,
        name="plan_step",
    ),
    path(
        "complaints/<str:tracking_number>/triage/",
        triage.complaint_triage_view,
        name="complaint_triage",
    ),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
]
