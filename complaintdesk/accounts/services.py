"""Writes on staff accounts: revoking API tokens."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaintdesk.accounts.models import ApiToken, hash_token
from complaintdesk.complaints.errors import InvalidInput, NotFound

TOKEN_MARK = "cd_"  # noqa: S105 -- the marker every token starts with, not a secret


def api_token_revoke(*, given: str) -> ApiToken:
    """Revoke the one active token that ``given`` names.

    ``given`` is what the token commands print: the prefix of `token list` (``eb477fc6``),
    the start of the token `token create` printed (``cd_eb477fc6``, also with a trailing
    "…"), or the whole token. A prefix that several active tokens share is refused: the whole
    token tells them apart.
    """
    text = given.strip().rstrip("…").rstrip(".")
    if text.startswith(TOKEN_MARK):
        text = text[len(TOKEN_MARK) :]
    prefix, _sep, secret = text.partition("_")
    prefix = prefix.lower()
    with transaction.atomic():
        tokens = ApiToken.objects.select_for_update().select_related("user")
        if secret:
            matches = list(tokens.filter(key_hash=hash_token(f"{TOKEN_MARK}{prefix}_{secret}")))
        else:
            matches = list(tokens.filter(prefix=prefix))
        active = [token for token in matches if token.revoked_at is None]
        if len(active) > 1:
            raise InvalidInput(
                _(
                    "%(count)d active tokens start with %(prefix)s (users: %(users)s); give "
                    "the whole token to say which one."
                )
                % {
                    "count": len(active),
                    "prefix": TOKEN_MARK + prefix,
                    "users": ", ".join(sorted(token.user.username for token in active)),
                },
                field="prefix",
            )
        if not active:
            if matches:
                raise NotFound(
                    _("The token %(prefix)s was already revoked.")
                    % {"prefix": TOKEN_MARK + prefix},
                    field="prefix",
                )
            raise NotFound(
                _(
                    "No token %(given)s. Give the prefix `token list` shows (such as "
                    "eb477fc6), or the start of the token, cd_eb477fc6."
                )
                % {"given": given.strip()},
                field="prefix",
            )
        [token] = active
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
