"""Compensation amounts in more than one currency.

Approval limits, authority thresholds, policy maxima and budgets are each set in one
currency, while compensation may be given in another (a Hong Kong customer is refunded in
HKD). Comparisons convert with the rates of `settings.EXCHANGE_RATES` (what one unit is worth
in CNY); a currency without a rate is refused, never taken for CNY.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from complaintdesk.complaints.errors import InvalidInput

CENT = Decimal("0.01")


def money(amount: Decimal, currency: str) -> str:
    return f"{amount:,.2f} {currency}"


def rate_of(currency: str) -> Decimal:
    """What one unit of `currency` is worth in CNY; refused when no rate is configured."""
    rates: Mapping[str, Decimal] = settings.EXCHANGE_RATES
    rate = rates.get((currency or "").upper())
    if rate is None:
        raise InvalidInput(
            _(
                "There is no exchange rate for %(currency)s, so it cannot be compared with "
                "approval limits and budgets; use one of %(known)s, or ask an administrator "
                "to add its rate (EXCHANGE_RATES)."
            )
            % {"currency": currency, "known": ", ".join(sorted(rates))},
            field="currency",
        )
    return Decimal(rate)


def convert(amount: Decimal, source: str, target: str) -> Decimal:
    """`amount` in `source` currency expressed in `target` currency, to the cent."""
    if source.upper() == target.upper():
        return Decimal(amount).quantize(CENT, ROUND_HALF_UP)
    value = Decimal(amount) * rate_of(source) / rate_of(target)
    return value.quantize(CENT, ROUND_HALF_UP)


def total_in(amounts: Mapping[str, Decimal], currency: str) -> Decimal:
    """The sum of amounts in several currencies, in `currency`."""
    return sum(
        (convert(amount, source, currency) for source, amount in amounts.items()),
        Decimal("0.00"),
    )


def describe(amounts: Mapping[str, Decimal], currency: str) -> str:
    """The total in `currency`, preceded by the amounts given when other currencies are
    involved ("9,000.00 USD ≈ 64,800.00 CNY"): what was given and what was compared."""
    total = money(total_in(amounts, currency), currency)
    given = [money(amount, code) for code, amount in sorted(amounts.items()) if amount]
    if set(amounts) <= {currency}:
        return total
    return f"{' + '.join(given)} ≈ {total}"
