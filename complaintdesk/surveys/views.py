"""The customer's survey page (public: the link is the credential) and the staff's
after-care panel: the survey's answer, follow-up visits with their outcome form, and
rejection reviews; plus the list of follow-up visits due."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from complaintdesk.accounts.models import User
from complaintdesk.accounts.permissions import role_of, sees_personal_data
from complaintdesk.complaints.errors import DomainError, NotFound
from complaintdesk.complaints.models import Complaint
from complaintdesk.complaints.selectors import complaint_get
from complaintdesk.core import clock
from complaintdesk.core.masking import mask_complaint_text
from complaintdesk.notifications.services import normalise_language
from complaintdesk.surveys.forms import SurveyForm, VisitOutcomeForm
from complaintdesk.surveys.selectors import (
    rejection_reviews_of_complaint,
    surveys_of_complaint,
    visit_get,
    visits_due,
    visits_of_complaint,
)
from complaintdesk.surveys.services import (
    SurveyClosed,
    survey_answer,
    survey_by_token,
    survey_closed_reason,
)
from complaintdesk.surveys.visits import ROLES_RECORDING_VISITS, visit_record

PAGE_LANGUAGES = {code for code, _name in settings.LANGUAGES}


def _page_language(request: HttpRequest, fallback: str) -> str:
    """The language the customer picked on the page, else the invitation's language."""
    picked = request.GET.get("lang", "")
    if picked in PAGE_LANGUAGES:
        return picked
    fallback = normalise_language(fallback)
    return fallback if fallback in PAGE_LANGUAGES else settings.LANGUAGE_CODE


@never_cache
@require_http_methods(["GET", "POST"])
def survey_view(request: HttpRequest, token: str) -> HttpResponse:
    """One page: the questions, or why they can no longer be answered, or the thanks."""
    try:
        survey = survey_by_token(token)
    except NotFound:
        language = _page_language(request, translation.get_language() or "")
        with translation.override(language):
            return render(
                request, "surveys/survey.html", {"invalid": True, "language": language}, status=404
            )
    language = _page_language(request, survey.language)
    with translation.override(language):
        context: dict[str, Any] = {
            "survey": survey,
            "language": language,
            "tracking_number": survey.complaint.tracking_number,
            "subject": survey.complaint.subject,
            "page_languages": [("zh-hans", "中文"), ("en", "English")],
        }
        status = 200
        closed: SurveyClosed | None = None
        form = SurveyForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                survey = survey_answer(token=token, answer=form.answer())
            except SurveyClosed as exc:
                closed, status = exc, exc.status_code
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                status = exc.status_code
            else:
                context["thanks"] = True
                context["survey"] = survey
        elif request.method == "POST":
            status = 422
        if closed is None and "thanks" not in context:
            closed = survey_closed_reason(survey)
        context["closed"] = closed
        context["form"] = form
        return render(request, "surveys/survey.html", context, status=status)


# Staff ---------------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _panel(
    complaint: Complaint,
    user: User,
    *,
    form_for: int | None = None,
    form: VisitOutcomeForm | None = None,
) -> dict[str, Any]:
    personal = sees_personal_data(user)
    surveys = list(surveys_of_complaint(complaint=complaint))
    for survey in surveys:
        survey.shown_comment = (  # type: ignore[attr-defined]
            survey.comment if personal else mask_complaint_text(survey.comment, complaint)
        )
    visits = list(visits_of_complaint(complaint=complaint))
    for visit in visits:
        visit.form = form if visit.pk == form_for and form else VisitOutcomeForm()  # type: ignore[attr-defined]
    return {
        "tracking_number": complaint.tracking_number,
        "surveys": surveys,
        "visits": visits,
        "reviews": list(rejection_reviews_of_complaint(complaint=complaint)),
        "may_record": role_of(user) in ROLES_RECORDING_VISITS,
        "now": clock.now(),
    }


@login_required
@require_http_methods(["GET"])
def complaint_aftercare_view(request: HttpRequest, tracking_number: str) -> HttpResponse:
    """The after-care panel of a complaint (an htmx fragment, or a page without script)."""
    user = _user(request)
    try:
        complaint = complaint_get(user=user, tracking_number=tracking_number)
    except DomainError as exc:
        return render(request, "web/_error.html", {"error": exc.message}, status=exc.status_code)
    return render(request, "surveys/_aftercare.html", _panel(complaint, user))


@login_required
@require_POST
def visit_outcome_view(request: HttpRequest, visit_id: int) -> HttpResponse:
    """Record a follow-up visit's outcome; answers with the refreshed panel."""
    user = _user(request)
    try:
        visit = visit_get(user=user, visit_id=visit_id)
    except DomainError as exc:
        return render(request, "web/_error.html", {"error": exc.message}, status=exc.status_code)
    form = VisitOutcomeForm(request.POST)
    status = 200
    status_before = visit.complaint.status
    if form.is_valid():
        try:
            visit_record(visit=visit, actor=user, **form.outcome())
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            status = exc.status_code
    else:
        status = 422
    complaint = Complaint.objects.get(pk=visit.complaint_id)
    htmx = request.headers.get("HX-Request") == "true"
    detail = reverse("web:complaint_detail", args=[complaint.tracking_number])
    if status == 200 and not htmx:
        response = HttpResponse(status=303)
        response["Location"] = detail
        return response
    if status == 200 and complaint.status != status_before:
        # The problem came back and the complaint was reopened: its status and actions in
        # the page head change, so the page reloads, as after any lifecycle action.
        response = HttpResponse()
        response["HX-Redirect"] = detail
        return response
    context = _panel(complaint, user, form_for=visit.pk, form=form if status != 200 else None)
    response = render(request, "surveys/_aftercare.html", context, status=status)
    if status == 200:
        # The visit is on the timeline: the activity panel reloads itself on this event.
        response["HX-Trigger"] = "timeline-changed"
    return response


@login_required
@require_http_methods(["GET"])
def visits_due_view(request: HttpRequest) -> HttpResponse:
    """Follow-up visits due now on the complaints this user sees."""
    user = _user(request)
    visits = visits_due(user=user)[:200]
    return render(request, "surveys/visits_due.html", {"visits": visits})
