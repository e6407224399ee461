"""`complaintdesk token revoke` takes the prefix as `token list` and `token create` print it,
and refuses a prefix it cannot pin to one active token."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from complaintdesk.accounts.models import ApiToken, hash_token

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("token", *args, stdout=out)
    return out.getvalue()


def created_token(username: str) -> tuple[ApiToken, str]:
    raw = run("create", "--user", username, "--name", "crm").strip()
    return ApiToken.objects.get(key_hash=hash_token(raw)), raw


def test_revoke_takes_the_prefix_token_list_prints(agent):
    token, _raw = created_token("agent")
    printed = run("list", "--user", "agent").split()[0]
    assert "revoked token" in run("revoke", printed)
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.parametrize("form", ["start", "start…", "whole"])
def test_revoke_takes_the_start_of_the_created_token_or_all_of_it(agent, form):
    token, raw = created_token("agent")
    start = raw[: len("cd_") + 8]
    given = {"start": start, "start…": start + "…", "whole": raw}[form]
    run("revoke", given)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_an_unknown_prefix_is_refused_with_a_hint(agent):
    created_token("agent")
    with pytest.raises(CommandError, match=r"No token cd_00000000.*token list"):
        run("revoke", "cd_00000000")


def test_a_revoked_token_is_named_as_already_revoked(agent):
    token, _raw = created_token("agent")
    run("revoke", token.prefix)
    with pytest.raises(CommandError, match="already revoked"):
        run("revoke", token.prefix)


def test_a_prefix_two_active_tokens_share_is_refused_and_revokes_nothing(agent, handler):
    first, _raw = created_token("agent")
    second, raw = created_token("handler")
    ApiToken.objects.filter(pk=second.pk).update(prefix=first.prefix)
    with pytest.raises(CommandError, match=r"2 active tokens.*agent, handler"):
        run("revoke", first.prefix)
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()
    # The whole token still says which one.
    run("revoke", raw)
    second.refresh_from_db()
    assert second.revoked_at is not None


def test_the_command_exits_non_zero_on_an_unknown_prefix(db):
    from complaintdesk.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["token", "revoke", "cd_ffffffff"])
    assert exit_info.value.code != 0
