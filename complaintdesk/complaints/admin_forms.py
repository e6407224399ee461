"""The time-limit policy form of the admin.

A limit counted in working days is entered and shown in days; it is stored in minutes, 1,440
a working day, as the SLA clock (`sla._limit_amount`) and the API read it. A part of a day
is that share of the calendar's working day (0.5 is 3 h 45 min on `cn-office`, 12 hours on
`cn-24x7`), kept to the minute. A limit counted in business or calendar hours stays in
minutes.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_stubs_ext import StrOrPromise

from complaintdesk.complaints.choices import TimeBasis
from complaintdesk.complaints.models import MAX_LIMIT_MINUTES, SlaPolicy
from complaintdesk.complaints.sla_policies import sla_policy_key_problems

MINUTES_PER_WORKING_DAY = 1440
# Four places give back any whole number of minutes: they are off by at most 0.00005 of a
# day, 0.072 minutes, which rounding to the minute forgives.
_DAYS_PLACES = Decimal("0.0001")
_MAX_DAYS = Decimal(MAX_LIMIT_MINUTES) / MINUTES_PER_WORKING_DAY
LIMITS = ("first_response", "resolution")


def working_days_to_minutes(days: Decimal) -> int:
    """Days as the stored minutes: the nearest minute, never none for a positive limit."""
    return max(1, int((days * MINUTES_PER_WORKING_DAY).to_integral_value(ROUND_HALF_UP)))


def minutes_to_working_days(minutes: int) -> Decimal:
    """Stored minutes as days, to four places, without trailing zeros (5, 0.5, 0.6944)."""
    days = (Decimal(minutes) / MINUTES_PER_WORKING_DAY).quantize(_DAYS_PLACES, ROUND_HALF_UP)
    # normalize() alone writes 10 as 1E+1.
    return days.quantize(Decimal(1)) if days == days.to_integral_value() else days.normalize()


def limit_label(minutes: int, basis: str) -> str:
    """A limit in its unit, for the policy list: "5 working days", "120 minutes"."""
    if basis != TimeBasis.WORKING_DAYS:
        return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}
    days = minutes_to_working_days(minutes)
    # A part day reads as a plural ("0.5 working days"); the plural rule takes a whole number.
    count = int(days) if days == days.to_integral_value() else 2
    return ngettext("%(days)s working day", "%(days)s working days", count) % {"days": days}


def _days_field(label: StrOrPromise) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=10,
        decimal_places=4,
        validators=[
            MinValueValidator(_DAYS_PLACES, _("Enter more than 0 working days.")),
            MaxValueValidator(_MAX_DAYS, _("At most %(limit_value)s working days (one year).")),
        ],
        help_text=_(
            "For a limit counted in working days, e.g. 5. A part of a day is that share of "
            "the department's working day (0.5 is half a day), kept to the minute (1,440 "
            "minutes a day)."
        ),
    )


class SlaPolicyForm(forms.ModelForm[SlaPolicy]):
    first_response_days = _days_field(_("First response within (working days)"))
    resolution_days = _days_field(_("Resolution within (working days)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for limit in LIMITS:
            minutes = self.fields[f"{limit}_minutes"]
            # Required by the basis: checked in clean().
            minutes.required = False
            minutes.help_text = _("For a limit counted in business or calendar hours.")
            if self.instance.pk and getattr(self.instance, f"{limit}_basis") == (
                TimeBasis.WORKING_DAYS
            ):
                stored = getattr(self.instance, f"{limit}_minutes")
                self.initial[f"{limit}_days"] = minutes_to_working_days(stored)
                self.initial[f"{limit}_minutes"] = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for limit in LIMITS:
            self._clean_limit(data, limit)
        # clean() runs before the values are copied onto the instance: it is still as stored.
        policy = self.instance if self.instance.pk else None
        for name, problem in sla_policy_key_problems(data, policy=policy).items():
            self.add_error(name, problem)
        return data

    def _clean_limit(self, data: dict[str, Any], limit: str) -> None:
        """Read the limit from the field of its basis, into the stored minutes.

        The other field is not read. It may still hold what the page showed before the basis
        was changed; a value typed into it that says otherwise is refused, as either could be
        the one meant.
        """
        basis = data.get(f"{limit}_basis")
        if basis is None:
            return
        minutes_name, days_name = f"{limit}_minutes", f"{limit}_days"
        in_days = basis == TimeBasis.WORKING_DAYS
        read, other = (days_name, minutes_name) if in_days else (minutes_name, days_name)
        if read in self.errors:
            return
        if data.get(read) is None:
            self.add_error(
                read,
                _("This limit is counted in working days: enter it in days.")
                if in_days
                else _("This limit is counted in business or calendar hours: enter it in minutes."),
            )
            return
        minutes = working_days_to_minutes(data[days_name]) if in_days else data[minutes_name]
        typed = data.get(other) if other in self.changed_data else None
        if typed is not None and minutes != (typed if in_days else working_days_to_minutes(typed)):
            self.add_error(
                days_name,
                _(
                    "This limit is counted in working days: leave the minutes empty, or "
                    "choose another basis."
                )
                if in_days
                else _(
                    "This limit is counted in business or calendar hours: leave the working "
                    "days empty, or choose working days."
                ),
            )
            return
        data[minutes_name] = minutes

    def full_clean(self) -> None:
        super().full_clean()
        # A limit in days shows its problems by its days, the model's checks too: they name
        # the stored minutes.
        cleaned = getattr(self, "cleaned_data", {})
        for limit in LIMITS:
            minutes_name, days_name = f"{limit}_minutes", f"{limit}_days"
            if (
                cleaned.get(f"{limit}_basis") == TimeBasis.WORKING_DAYS
                and minutes_name in self.errors
            ):
                moved = self.errors.pop(minutes_name)
                self.errors.setdefault(days_name, self.error_class()).extend(moved)
