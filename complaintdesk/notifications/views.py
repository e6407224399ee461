"""The customer's public status page, and the staff's message panel on a complaint."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from complaintdesk.accounts.models import User
from complaintdesk.accounts.permissions import sees_personal_data
from complaintdesk.complaints.choices import OPEN_STATUSES
from complaintdesk.complaints.errors import DomainError
from complaintdesk.complaints.models import Complaint
from complaintdesk.complaints.selectors import complaint_get
from complaintdesk.core.masking import mask_complaint_text, mask_email, mask_phone
from complaintdesk.notifications.choices import NoticeChannel, NoticePurpose, NoticeStatus
from complaintdesk.notifications.forms import MessageForm, TrackForm
from complaintdesk.notifications.models import Notice
from complaintdesk.notifications.selectors import complaint_for_tracking, customer_messages
from complaintdesk.notifications.services import may_send_by_hand, notice_send_by_hand

# Failed status-page lookups allowed per IP address and per browser session in the window.
TRACK_MAX_FAILURES = 5
TRACK_WINDOW_SECONDS = 15 * 60


def _failure_keys(request: HttpRequest) -> list[str]:
    if not request.session.session_key:
        request.session.save()
    address = request.META.get("REMOTE_ADDR", "unknown")
    return [f"track-fail:ip:{address}", f"track-fail:session:{request.session.session_key}"]


def _too_many_failures(keys: list[str]) -> bool:
    return any((cache.get(key) or 0) >= TRACK_MAX_FAILURES for key in keys)


def _count_failure(keys: list[str]) -> None:
    for key in keys:
        # add() starts the window; incr() keeps its expiry.
        if not cache.add(key, 1, TRACK_WINDOW_SECONDS):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, TRACK_WINDOW_SECONDS)


@never_cache
@require_http_methods(["GET", "POST"])
def track_view(request: HttpRequest) -> HttpResponse:
    """Tracking number + last four phone digits → the status and the messages sent."""
    form = TrackForm(request.POST or None)
    context: dict[str, Any] = {"form": form}
    if request.method != "POST":
        return render(request, "notifications/track.html", context)
    keys = _failure_keys(request)
    if _too_many_failures(keys):
        context["error"] = _("Too many attempts. Please try again in 15 minutes.")
        return render(request, "notifications/track.html", context, status=429)
    if not form.is_valid():
        return render(request, "notifications/track.html", context, status=400)
    complaint = complaint_for_tracking(
        tracking_number=form.cleaned_data["tracking_number"],
        phone_tail=form.cleaned_data["phone_tail"],
    )
    if complaint is None:
        _count_failure(keys)
        context["error"] = _(
            "We found no complaint with this tracking number and phone number. Check both and "
            "try again."
        )
        return render(request, "notifications/track.html", context, status=404)
    context.update(
        {
            "complaint": complaint,
            "status_label": complaint.get_status_display(),
            "is_open": complaint.status in OPEN_STATUSES,
            "messages": customer_messages(complaint=complaint),
        }
    )
    return render(request, "notifications/track.html", context)


def _recipient(notice: Notice, user: User) -> str:
    if sees_personal_data(user):
        return notice.recipient
    if notice.channel == NoticeChannel.EMAIL:
        return mask_email(notice.recipient)
    return mask_phone(notice.recipient)


def _notice_row(notice: Notice, user: User) -> dict[str, Any]:
    personal = sees_personal_data(user)

    def shown(text: str) -> str:
        # A subject greets the customer by name; a provider's error may quote the number.
        return text if personal else mask_complaint_text(text, notice.complaint)

    return {
        "id": notice.pk,
        "purpose_label": NoticePurpose(notice.purpose).label,
        "channel_label": NoticeChannel(notice.channel).label,
        "status": notice.status,
        "status_label": NoticeStatus(notice.status).label,
        "recipient": _recipient(notice, user),
        "created_at": notice.created_at,
        "sent_at": notice.sent_at,
        "not_before": notice.not_before if notice.status == NoticeStatus.QUEUED else None,
        "fallback_reason": notice.fallback_reason,
        "last_error": shown(notice.last_error),
        "subject": shown(notice.subject_for_staff),
    }


def _panel(complaint: Complaint, user: User, form: MessageForm | None = None) -> dict[str, Any]:
    return {
        "tracking_number": complaint.tracking_number,
        "notices": [_notice_row(n, user) for n in complaint.notices.order_by("created_at", "id")],
        "may_send": may_send_by_hand(user, complaint),
        "message_form": form or MessageForm(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def complaint_messages_view(request: HttpRequest, tracking_number: str) -> HttpResponse:
    """The messages panel of a complaint (an htmx fragment) and the form that sends one."""
    user = request.user
    assert isinstance(user, User)
    template = "notifications/_messages.html"
    try:
        complaint = complaint_get(user=user, tracking_number=tracking_number)
    except DomainError as exc:
        return render(request, "web/_error.html", {"error": exc.message}, status=exc.status_code)
    if request.method == "GET":
        return render(request, template, _panel(complaint, user))
    form = MessageForm(request.POST)
    if not form.is_valid():
        return render(request, template, _panel(complaint, user, form), status=422)
    try:
        notice_send_by_hand(
            complaint=complaint,
            purpose=form.cleaned_data["purpose"],
            actor=user,
            note=form.cleaned_data["note"],
            channel=form.cleaned_data["channel"],
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return render(request, template, _panel(complaint, user, form), status=exc.status_code)
    if request.headers.get("HX-Request") == "true":
        response = render(request, template, _panel(complaint, user))
        # The message is on the timeline too: the activity panel reloads itself on this event.
        response["HX-Trigger"] = "timeline-changed"
        return response
    url = reverse("web:complaint_detail", args=[complaint.tracking_number])
    return HttpResponseRedirect(url, status=303)
