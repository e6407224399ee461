"""Every answer under /api/ is JSON with a `detail`, also the 404 of an address no endpoint
serves and the 405 of a method an endpoint does not take: both are made before any endpoint
runs (by Django's URL resolver and by django-ninja), as HTML or plain text.

It also refuses JSON bodies whose text holds a character no database stores: NUL, which
PostgreSQL refuses (so it would fail there after the request was accepted on SQLite), and a
lone UTF-16 surrogate (the escape "\\ud83d" without its pair: half an emoji), which is not
valid Unicode and fails both databases."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.utils.translation import gettext as _

from complaintdesk.triage.engine.text import lone_surrogate_at

API_PREFIX = "/api/"
# Escapes that may decode to a character no database stores; only then is the body parsed.
_SUSPECT_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")


class ApiJsonErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        refused = _unstorable_text_refusal(request)
        if refused is not None:
            return refused
        response = self.get_response(request)
        if (
            response.status_code not in (404, 405)
            or not request.path_info.startswith(API_PREFIX)
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        if response.status_code == 404:
            detail = _(
                "There is no API endpoint at %(path)s; the endpoints are listed at %(docs)s."
            )
            return JsonResponse(
                {"detail": detail % {"path": request.path, "docs": API_PREFIX + "docs"}},
                status=404,
            )
        allowed = response.get("Allow", "")
        answer = JsonResponse(
            {
                "detail": _("%(method)s is not allowed at %(path)s; use %(allowed)s.")
                % {"method": request.method, "path": request.path, "allowed": allowed}
            },
            status=405,
        )
        answer["Allow"] = allowed
        return answer


def _unstorable_text_refusal(request: HttpRequest) -> JsonResponse | None:
    if not request.path_info.startswith(API_PREFIX) or request.content_type != "application/json":
        return None
    try:
        body = request.body
    except RequestDataTooBig:
        return None  # the API answers 413 itself
    # Parsing only when such an escape is there keeps every other request as cheap as before.
    if not _SUSPECT_ESCAPE.search(body):
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None  # the endpoint's parser explains what is wrong
    found = _unstorable_field(data, "")
    if found is None:
        return None
    field, is_nul = found
    if is_nul:
        detail = _("%(field)s contains a NUL character, which cannot be stored; remove it.")
    else:
        detail = _(
            "%(field)s contains half of a character (an unpaired UTF-16 surrogate escape such "
            "as \\ud83d), which is not valid Unicode and cannot be stored; send the whole "
            "character or remove it."
        )
    detail %= {"field": field or _("The request")}
    return JsonResponse({"detail": detail, "field": field or None}, status=422)


def _unstorable_field(value: Any, path: str) -> tuple[str, bool] | None:
    """The dotted path of the first string (or key) holding a NUL character or a lone
    surrogate, and whether it is a NUL; else None."""
    if isinstance(value, str):
        if "\x00" in value:
            return path, True
        return (path, False) if lone_surrogate_at(value) is not None else None
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        where = f"{path}.{key}" if path else str(key)
        found = (_unstorable_field(key, where) if isinstance(key, str) else None) or (
            _unstorable_field(item, where)
        )
        if found is not None:
            return found
    return None
