"""The REST API under /api/: OpenAPI 3 schema at /api/openapi.json, docs at /api/docs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from complaintdesk.accounts.models import User
from complaintdesk.accounts.permissions import role_of
from complaintdesk.api.auth import SessionAuth, TokenAuth
from complaintdesk.api.complaints import router as complaints_router
from complaintdesk.api.routing import router as routing_router
from complaintdesk.api.schemas import ErrorOut, MeOut
from complaintdesk.api.sla import router as sla_router
from complaintdesk.api.taxonomy import router as taxonomy_router
from complaintdesk.api.triage import router as triage_router
from complaintdesk.complaints.errors import DomainError, TransitionNotAllowed

api = NinjaAPI(
    title="complaintdesk API",
    version="1",
    description=(
        "Register, read and handle customer complaints. Authenticate with "
        "`Authorization: Bearer <token>` (`complaintdesk token create --user NAME`) or the "
        "web session."
    ),
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    body: dict[str, Any] = {"detail": str(exc.message), "field": exc.field}
    if isinstance(exc, TransitionNotAllowed):
        body = {
            "detail": str(exc.message),
            "status": exc.status,
            "allowed_actions": exc.allowed_actions,
        }
    return api.create_response(request, body, status=exc.status_code)


def _field_path(location: list[Any]) -> str:
    # ("body", "payload", "customer", "email") → "customer.email"
    parts = [str(p) for p in location if p not in {"body", "payload", "query", "header", "form"}]
    return ".".join(parts) or "request"


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"field": _field_path(list(error.get("loc", []))), "message": error.get("msg", "")}
        for error in exc.errors
    ]
    summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return api.create_response(
        request, {"detail": _("Invalid request: %s") % summary, "errors": errors}, status=422
    )


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": _("Log in, or send a valid token as 'Authorization: Bearer <token>'.")},
        status=401,
    )


@api.exception_handler(RequestDataTooBig)
def request_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    # Django refuses to read it (DATA_UPLOAD_MAX_MEMORY_SIZE); files sent as multipart uploads
    # do not count towards that limit.
    detail = _(
        "The request has more than %(limit)s of text, so it was not read and nothing was "
        "saved. Send documents as attachments (multipart uploads, up to %(attachment)s each), "
        "not inside the text."
    ) % {
        "limit": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
        "attachment": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
    }
    return api.create_response(request, {"detail": detail}, status=413)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.get("/me", response={200: MeOut, 401: ErrorOut}, tags=["accounts"], summary="Who am I")
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return {
        "username": user.username,
        "name": user.get_full_name(),
        "role": role_of(user) or "",
        "department": user.department.code if user.department else None,
    }


# Before the complaints router: /complaints/at-risk must not be read as a tracking number.
api.add_router("/", sla_router)
api.add_router("/", complaints_router)
api.add_router("/", "complaintdesk.api.assignment.router")
api.add_router("/", "complaintdesk.api.escalations.router")
api.add_router("/", "complaintdesk.api.notifications.router")
api.add_router("/", routing_router)
api.add_router("/", taxonomy_router)
api.add_router("/", triage_router)
api.add_router("/", "complaintdesk.api.handling.router")
api.add_router("/", "complaintdesk.api.remedies.router")
api.add_router("/", "complaintdesk.api.surveys.router")
