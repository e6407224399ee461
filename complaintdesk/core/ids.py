"""Tracking numbers: short enough to read over the phone, not guessable, not sequential.

Format `XXXX-XXXX-C`: eight random symbols from an alphabet without look-alikes (no 0/O,
1/I/L, U, V) and one check symbol, so a digit misheard on the phone is caught before a lookup.
31**8 ≈ 8.5e11 values: guessing a live number at random is hopeless, and numbers say nothing
about order or volume.
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
BODY_LENGTH = 8


def _check_symbol(body: str) -> str:
    # Weighted sum modulo the alphabet size catches any single substitution and most
    # transpositions of neighbours.
    total = sum((index + 1) * ALPHABET.index(symbol) for index, symbol in enumerate(body))
    return ALPHABET[total % len(ALPHABET)]


def generate_tracking_number() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return f"{body[:4]}-{body[4:]}-{_check_symbol(body)}"


def normalise_tracking_number(raw: str) -> str:
    """Upper-case and put the dashes back, so "k7m2 9xq4 r" finds K7M2-9XQ4-R."""
    cleaned = raw.upper().replace(" ", "").replace("-", "")
    if len(cleaned) != BODY_LENGTH + 1:
        return raw.strip().upper()
    return f"{cleaned[:4]}-{cleaned[4:8]}-{cleaned[8]}"


def is_valid_tracking_number(value: str) -> bool:
    parts = value.split("-")
    if [len(part) for part in parts] != [4, 4, 1]:
        return False
    body, check = parts[0] + parts[1], parts[2]
    if any(symbol not in ALPHABET for symbol in body + check):
        return False
    return _check_symbol(body) == check
