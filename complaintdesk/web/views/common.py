"""Small helpers the views share: the acting user, htmx detection, domain error pages, the
answers of the detail page's panels."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from complaintdesk.accounts.models import User
from complaintdesk.complaints.errors import DomainError
from complaintdesk.complaints.models import Complaint
from complaintdesk.complaints.selectors import complaint_get

# A panel of the detail page on a page of its own, for browsers without script.
PANEL_PAGE = "web/complaints/panel_page.html"


def acting_user(request: HttpRequest) -> User:
    user = request.user
    # login_required has run; the custom user model is the only one there is.
    assert isinstance(user, User)
    return user


def is_htmx(request: HttpRequest) -> bool:
    """An htmx request that wants a fragment (a history restore needs the whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def error_page(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """A refused request as a readable page (or fragment) with the error's own status."""
    template = "web/_error.html" if is_htmx(request) else "web/error.html"
    return render(request, template, {"error": exc.message}, status=exc.status_code)


def redirect_to(request: HttpRequest, url: str) -> HttpResponse:
    """After a successful form post: htmx follows HX-Redirect, a plain browser a 303."""
    if is_htmx(request):
        response = HttpResponse()
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url, status=303)


def panel_answer(
    request: HttpRequest,
    *,
    panel: str,
    title: str,
    context: dict[str, Any],
    status: int = 200,
    changed: bool = False,
) -> HttpResponse:
    """A panel of the detail page: an htmx fragment, or a page of its own without script.

    `changed`: the post wrote a timeline event, on which the activity panel reloads itself.
    """
    template = panel if is_htmx(request) else PANEL_PAGE
    context = {**context, "panel": panel, "panel_title": title}
    response = render(request, template, context, status=status)
    if changed:
        response["HX-Trigger"] = "timeline-changed"
    return response


def opened_complaint(request: HttpRequest, tracking_number: str) -> Complaint | HttpResponse:
    """The complaint as the acting user may see it, or the page saying why not."""
    try:
        return complaint_get(user=acting_user(request), tracking_number=tracking_number)
    except DomainError as exc:
        return error_page(request, exc)


def opens_complaint(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A panel view of one complaint: called with the complaint the acting user may see in
    place of its tracking number, or answered with the page saying why not."""

    @wraps(view)
    def opening(request: HttpRequest, tracking_number: str, **kwargs: Any) -> HttpResponse:
        complaint = opened_complaint(request, tracking_number)
        if isinstance(complaint, HttpResponse):
            return complaint
        return view(request, complaint, **kwargs)

    return opening


def panel_post_done(
    request: HttpRequest,
    complaint: Complaint,
    message: str,
    *,
    panel: Callable[..., HttpResponse],
    whole_page: bool = False,
) -> HttpResponse:
    """After a successful post on a panel: the refreshed panel (``panel(request, complaint,
    done=message)``) for htmx, the detail page with the message without script — or for
    htmx too when the post changed what the page shows outside the panel (``whole_page``)."""
    if is_htmx(request) and not whole_page:
        return panel(request, complaint, done=message)
    messages.success(request, message)
    return redirect_to(request, reverse("web:complaint_detail", args=[complaint.tracking_number]))
