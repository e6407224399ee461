"""`complaintdesk token create --user NAME`: issue an API token for an integration."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from complaintdesk.accounts.models import ApiToken, User
from complaintdesk.accounts.services import TOKEN_MARK, api_token_revoke
from complaintdesk.complaints.errors import DomainError


class Command(BaseCommand):
    help = "Create, list or revoke API tokens."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token and print it once.")
        create.add_argument("--user", required=True)
        create.add_argument("--name", default="")
        listing = sub.add_parser("list", help="List a user's tokens (prefixes only).")
        listing.add_argument("--user", required=True)
        revoke = sub.add_parser("revoke", help="Revoke a token by its prefix.")
        revoke.add_argument(
            "prefix", help="as `token list` prints it (eb477fc6), cd_eb477fc6, or the whole token"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "revoke":
            try:
                token = api_token_revoke(given=options["prefix"])
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(
                f"revoked token {TOKEN_MARK}{token.prefix} of {token.user.username}"
                + (f" ({token.name})" if token.name else "")
            )
            return
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"no user {options['user']!r}")
        if action == "create":
            if not user.is_active:
                raise CommandError(f"user {user.username!r} is inactive")
            _token, raw = ApiToken.issue(user=user, name=options["name"])
            self.stdout.write(raw)
            return
        for token in user.api_tokens.order_by("created_at"):
            state = "revoked" if token.revoked_at else "active"
            self.stdout.write(
                f"{token.prefix}  {token.name or '-'}  {token.created_at:%Y-%m-%d}  {state}"
            )
