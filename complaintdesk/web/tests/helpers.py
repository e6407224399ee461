"""What the web tests share: a logged-in client and the header of an htmx request."""

from __future__ import annotations

from django.test import Client

from complaintdesk.accounts.models import User

HTMX = {"HTTP_HX_REQUEST": "true"}


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
