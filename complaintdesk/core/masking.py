"""Masking personal data for people who may not see it (analysts, exports, logs)."""

from __future__ import annotations

from collections.abc import Iterable


def mask_name(name: str) -> str:
    """Keep the first character: 张三丰 → 张**, Alice Smith → A****."""
    name = name.strip()
    if not name:
        return ""
    return name[0] + "*" * max(2, min(len(name) - 1, 4))


def mask_phone(phone: str) -> str:
    """Keep the last four digits, the part customers use to recognise their number."""
    digits = [c for c in phone if c.isdigit()]
    if len(digits) <= 4:
        return "*" * len(digits)
    return "*" * (len(digits) - 4) + "".join(digits[-4:])


def mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    if not domain:
        return mask_name(email)
    return f"{local[:1]}***@{domain}"


def mask_text(text: str, *, names: Iterable[str] = ()) -> str:
    """Free text with phone numbers, ID and card numbers, e-mails and addresses masked.

    `names` are people known to the caller (the complaint's customer): a detector cannot tell
    a name from other words, but a notice greets the customer by theirs.
    """
    from complaintdesk.triage.engine.pii import mask  # the one detector triage also uses

    masked = mask(text).masked_text
    for name in sorted({n.strip() for n in names if len(n.strip()) >= 2}, key=len, reverse=True):
        masked = masked.replace(name, mask_name(name))
    return masked
