"""Every answer under /api/ is JSON with a `detail`, also the 404 of an address no endpoint
serves and the 405 of a method an endpoint does not take: both are made before any endpoint
runs (by Django's URL resolver and by django-ninja), as HTML or plain text.

It also refuses JSON bodies whose text holds a NUL character: PostgreSQL cannot store one,
so it would fail there after the request was accepted on SQLite."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


class ApiJsonErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        refused = _nul_refusal(request)
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


def _nul_refusal(request: HttpRequest) -> JsonResponse | None:
    if not request.path_info.startswith(API_PREFIX) or request.content_type != "application/json":
        return None
    try:
        body = request.body
    except RequestDataTooBig:
        return None  # the API answers 413 itself
    # Parsing only when the escape is there keeps every other request as cheap as before.
    if b"\\u0000" not in body:
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None  # the endpoint's parser explains what is wrong
    field = _nul_field(data, "")
    if field is None:
        return None
    detail = _("%(field)s contains a NUL character, which cannot be stored; remove it.") % {
        "field": field or _("The request")
    }
    return JsonResponse({"detail": detail, "field": field or None}, status=422)


def _nul_field(value: Any, path: str) -> str | None:
    """The dotted path of the first string (or key) holding a NUL character, else None."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        where = f"{path}.{key}" if path else str(key)
        if isinstance(key, str) and "\x00" in key:
            return where
        found = _nul_field(item, where)
        if found is not None:
            return found
    return None
