"""API authentication: bearer tokens for integrations, the session for the web UI."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from complaintdesk.accounts.models import ApiToken, User, hash_token


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        record = (
            ApiToken.objects.select_related("user", "user__department")
            .filter(key_hash=hash_token(token), revoked_at__isnull=True)
            .first()
        )
        if record is None or not record.user.is_active:
            return None
        now = timezone.now()
        # Writing last_used_at on every call would serialise all requests on one row.
        if record.last_used_at is None or (now - record.last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        request.user = record.user
        return record.user


class SessionAuth(APIKeyCookie):
    """The logged-in web user; unsafe methods need the CSRF token as Django forms do."""

    param_name = "sessionid"

    def __call__(self, request: HttpRequest) -> Any:
        # Without the session cookie this is no web session: an integration whose token
        # failed must be told 401 "send a valid token", not "CSRF check failed".
        if self.param_name not in request.COOKIES:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


def request_user(request: HttpRequest) -> User:
    """The staff member an authenticated API request acts for (set by the auth classes)."""
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user
