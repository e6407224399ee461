"""Domain errors that the API and the web UI turn into clear 4xx answers."""

from __future__ import annotations

from django_stubs_ext import StrOrPromise


class DomainError(Exception):
    """A request the rules refuse; `message` is written for the person who made it."""

    status_code = 400

    def __init__(self, message: StrOrPromise, field: str | None = None) -> None:
        # Lazy translations are rendered now, in the language of the request that failed.
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


class InvalidInput(DomainError):
    status_code = 422


class NotAllowed(DomainError):
    """The actor's role or department does not allow this."""

    status_code = 403


class NotFound(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


class TransitionNotAllowed(Conflict):
    """The action does not apply to the complaint's current status."""

    def __init__(self, message: StrOrPromise, *, status: str, allowed_actions: list[str]) -> None:
        super().__init__(message)
        self.status = status
        self.allowed_actions = allowed_actions
