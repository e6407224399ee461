"""The customer's consent page: the offer with its reasons and amounts, accept or decline.

Public (the link in the notice is the credential), single use, expiring, and in the
customer's language unless they pick another one on the page.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from complaintdesk.complaints.errors import DomainError, NotFound
from complaintdesk.core import clock
from complaintdesk.remedies.choices import ConsentDecision
from complaintdesk.remedies.consent import (
    CUSTOMER_NOTE_MAX,
    offer_by_token,
    offer_decide_by_link,
)


@never_cache
@require_http_methods(["GET", "POST"])
def consent_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        offer = offer_by_token(token)
    except NotFound:
        return render(request, "remedies/consent.html", {"invalid": True}, status=404)
    language = (
        request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        or offer.complaint.customer.preferred_language
        or offer.complaint.language
    )
    with translation.override(language):
        error, error_field, status, note = "", "", 200, ""
        if request.method == "POST":
            try:
                offer = offer_decide_by_link(
                    token=token,
                    decision=request.POST.get("decision", ""),
                    note=request.POST.get("note", ""),
                )
            except DomainError as exc:
                # What the customer wrote goes back into the form, to shorten or send again.
                error, error_field, status = exc.message, exc.field or "", exc.status_code
                note = request.POST.get("note", "")
        context = {
            "offer": offer,
            "items": offer.items.select_related("policy_clause").order_by("pk"),
            "tracking_number": offer.complaint.tracking_number,
            "expired": offer.decided_at is None and offer.expires_at <= clock.now(),
            "error": error,
            "error_field": error_field,
            "note": note,
            "note_max": CUSTOMER_NOTE_MAX,
            "accepted": ConsentDecision.ACCEPTED,
            "declined": ConsentDecision.DECLINED,
        }
        return render(request, "remedies/consent.html", context, status=status)
