"""The customer's one-time links, masked wherever staff read a message.

A satisfaction-survey link (`/survey/<token>/`) or a compensation-consent link
(`/consent/<token>/`) is the customer's credential: whoever holds it answers in the customer's
name. The notice keeps the real link, because that is the message delivered (and shown to the
customer on the status page); every copy written for staff, and every staff view of a notice
or of the timeline, goes through `mask_one_time_links`.
"""

from __future__ import annotations

import functools
import re

from django.urls import NoReverseMatch, reverse

# The pages a one-time link opens, by URL name; their paths come from the URL configuration
# so a moved page stays masked.
ONE_TIME_PAGES = ("surveys:answer", "remedies:consent")
MASK = "…"
# What follows the page's path: secrets.token_urlsafe() writes only these characters.
_KEY_PART = r"[A-Za-z0-9_-]+/?"


@functools.cache
def _one_time_link() -> re.Pattern[str] | None:
    """The path of either page followed by its secret; read once from the URL configuration
    (every timeline event shown passes through here)."""
    prefixes = []
    for name in ONE_TIME_PAGES:
        try:
            prefixes.append(reverse(name, args=["-"]).removesuffix("-/"))
        except NoReverseMatch:  # an installation without that app sends no such link
            continue
    if not prefixes:
        return None
    return re.compile("(" + "|".join(re.escape(p) for p in prefixes) + ")" + _KEY_PART)


def mask_one_time_links(text: str) -> str:
    """The text with the secret of every survey or consent link replaced by "…"."""
    if not text:
        return text
    pattern = _one_time_link()
    if pattern is None:
        return text
    return pattern.sub(lambda found: found.group(1) + MASK, text)
