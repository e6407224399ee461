"""Error pages Django renders itself, before or instead of a view (handler400 and friends)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views import defaults


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A form too large to read says so (the bare 400 page left the agent guessing what was
    lost); any other bad request gets Django's page."""
    if not isinstance(exception, RequestDataTooBig):
        return defaults.bad_request(request, exception)
    message = _(
        "This form has more than %(limit)s of text, so it was not accepted and nothing was "
        "saved. Go back to the form (your browser still holds what you typed), shorten the "
        "text, and add long documents as attachments (up to %(attachment)s each)."
    ) % {
        "limit": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
        "attachment": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
    }
    return render(request, "web/error.html", {"error": message}, status=413)
