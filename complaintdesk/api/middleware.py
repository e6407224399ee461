"""Every answer under /api/ is JSON with a `detail`, also the 404 of an address no endpoint
serves and the 405 of a method an endpoint does not take: both are made before any endpoint
runs (by Django's URL resolver and by django-ninja), as HTML or plain text."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


class ApiJsonErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
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
