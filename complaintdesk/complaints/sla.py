"""The SLA clock (时限): due times in business hours, pauses, restarts and the live state.

This module is the one home of the time-limit rules:

- `start_clock` at registration picks the time-limit policy (`SlaPolicy`: the most
  specific active rule that matches, ties broken by priority) and computes the first
  response and resolution due times, each in business hours of the department's calendar
  (`cn-office` while the complaint has no department yet), in calendar hours, or in working
  days of that calendar, as the rule says (`_limit_amount`: a working day is as long as the
  calendar's own working day, so five of them on a 24×7 desk are five calendar days);
- `pause_clock` / `resume_clock`: while the complaint awaits the customer's information
  the clock stands still; on resume the due times move by the time spent paused, measured
  the way the limit is counted (business time in the complaint's calendar for business
  limits);
- `record_first_response`: the first customer-visible message or transition after the
  registration acknowledgement; until then the first-response due time is one of the
  sweep's checks (`next_check_at`);
- `restart_clock_after_reopen`: a reopened complaint gets a new resolution deadline by rule;
- `recompute_clock`: nature, category or department changed — same start, the rule that
  applies now, the new department's calendar;
- `stop_clock`: a finished complaint leaves the escalation sweep;
- `sla_state(complaint, now)`: due times, business time left, share used, paused, breached.

Due times are always computed from the start: due = start + limit + time paused so far.
An external body's deadline (a regulator's) replaces the resolution due time when it is
earlier, and does not move with pauses. The functions change the complaint's fields; the
caller saves them in its transaction (the lifecycle does).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from complaintdesk.calendars.engine import (
    WorkingCalendar,
    add_business_time,
    business_time_between,
    working_day_length,
)
from complaintdesk.calendars.models import BusinessCalendar, load_calendar
from complaintdesk.complaints.choices import FINISHED_STATUSES, TimeBasis
from complaintdesk.complaints.models import Complaint, SlaPolicy
from complaintdesk.triage.choices import Dimension
from complaintdesk.triage.models import TaxonomyEntry

logger = logging.getLogger(__name__)

DEFAULT_CALENDAR = "cn-office"
ZERO = timedelta(0)
MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)
# Limits counted against the department's calendar; the others run around the clock.
CALENDAR_COUNTED = frozenset({TimeBasis.BUSINESS, TimeBasis.WORKING_DAYS})


def warning_share() -> float:
    """The share of the resolution time after which the assignee is warned (default 80 %)."""
    percent = int(getattr(settings, "SLA_WARNING_PERCENT", 80))
    if not 1 <= percent <= 100:
        raise ValueError(f"SLA_WARNING_PERCENT must be 1 to 100, got {percent}")
    return percent / 100


# -- choosing the rule and the calendar ------------------------------------------------------


def policy_for(complaint: Complaint) -> SlaPolicy | None:
    """The active time-limit policy that governs this complaint now, or None if none matches."""
    category = complaint.content_category
    categories: tuple[str, ...] = ()
    if category is not None:
        categories = (category.key,) + ((category.parent.key,) if category.parent else ())
    nature = complaint.nature.key if complaint.nature else ""
    tier = complaint.customer.tier if complaint.customer_id else ""
    matching = [
        policy
        for policy in SlaPolicy.objects.filter(is_active=True)
        if policy.matches(
            nature=nature, categories=categories, channel=complaint.channel, tier=tier
        )
    ]
    # Most specific first, then the higher priority, then the older rule.
    return max(matching, key=lambda p: (p.specificity, p.priority, -p.pk), default=None)


def calendar_name_for(complaint: Complaint) -> str:
    department = complaint.department
    return department.calendar_name if department is not None else DEFAULT_CALENDAR


def _calendar(name: str) -> WorkingCalendar:
    try:
        return load_calendar(name or DEFAULT_CALENDAR)
    except BusinessCalendar.DoesNotExist:
        pass
    logger.warning("business calendar %r does not exist; timing with %r", name, DEFAULT_CALENDAR)
    try:
        return load_calendar(DEFAULT_CALENDAR)
    except BusinessCalendar.DoesNotExist:
        # Without any calendar a deadline is still better in calendar hours than none.
        return WorkingCalendar.always_open(settings.TIME_ZONE)


def _terms(policy: SlaPolicy) -> dict[str, Any]:
    return {
        "policy": policy.name,
        "first_response": {
            "minutes": policy.first_response_minutes,
            "basis": policy.first_response_basis,
        },
        "resolution": {"minutes": policy.resolution_minutes, "basis": policy.resolution_basis},
    }


# -- due-time arithmetic ---------------------------------------------------------------------


def _limit_amount(calendar: WorkingCalendar, limit: dict[str, Any]) -> timedelta:
    """The limit as time to count: business or calendar time as written, or, for a limit in
    working days (1,440 minutes each), that many of the calendar's own working days."""
    minutes = int(limit["minutes"])
    if limit["basis"] == TimeBasis.WORKING_DAYS:
        # Integer arithmetic, so whole days come out exact to the microsecond.
        return working_day_length(calendar) * minutes // (DAY // MINUTE)
    return timedelta(minutes=minutes)


def _due(
    complaint: Complaint, calendar: WorkingCalendar, limit: dict[str, Any], share: float = 1.0
) -> datetime:
    """When `share` of the limit will have been used, counting the pauses so far."""
    start = complaint.sla_started_at
    assert start is not None
    amount = _limit_amount(calendar, limit) * share
    if limit["basis"] in CALENDAR_COUNTED:
        return add_business_time(calendar, start, amount + complaint.sla_paused_business)
    return start + amount + complaint.sla_paused_wall


def _due_or_none(
    complaint: Complaint, calendar: WorkingCalendar, limit: dict[str, Any]
) -> datetime | None:
    """The due time, or None when the limit reaches past the last date a calendar holds.

    Policies are capped at a year, but one stored before the cap must not make
    registration fail and lose the complaint: it is kept without that due time.
    """
    try:
        return _due(complaint, calendar, limit)
    except (ValueError, OverflowError) as exc:
        logger.warning(
            "complaint %s: no due time for a limit of %s minutes under policy %r: %s",
            complaint.tracking_number,
            limit["minutes"],
            complaint.sla_terms.get("policy"),
            exc,
        )
        return None


def _used(
    complaint: Complaint, calendar: WorkingCalendar, limit: dict[str, Any], at: datetime
) -> timedelta:
    """Time used against a limit up to `at`, without the completed pauses."""
    start = complaint.sla_started_at
    assert start is not None
    if limit["basis"] in CALENDAR_COUNTED:
        return business_time_between(calendar, start, at) - complaint.sla_paused_business
    return max(ZERO, at - start - complaint.sla_paused_wall)


def awaiting_first_response(complaint: Complaint) -> bool:
    """No first response yet and the sweep has not reported it missed: its due time counts."""
    return (
        complaint.first_response_due_at is not None
        and complaint.first_responded_at is None
        and complaint.first_response_breached_at is None
    )


def next_check_at(complaint: Complaint) -> datetime | None:
    """When the escalation sweep must next look: a missed first response, the warning, the
    breach, whichever comes first; never while paused or once everything has happened."""
    if complaint.sla_paused_at is not None:
        return None
    checks: list[datetime] = []
    if awaiting_first_response(complaint) and complaint.first_response_due_at is not None:
        checks.append(complaint.first_response_due_at)
    due = complaint.resolution_due_at
    if due is not None and complaint.sla_breached_at is None:
        warn = complaint.sla_warn_at
        checks.append(warn if complaint.sla_warned_at is None and warn and warn < due else due)
    return min(checks, default=None)


def _schedule(complaint: Complaint) -> None:
    """Compute the due times, the warning time and the sweep's next look from the terms."""
    terms = complaint.sla_terms
    if not terms or complaint.sla_started_at is None:
        complaint.sla_warn_at = complaint.sla_check_at = None
        return
    calendar = _calendar(complaint.sla_calendar)
    start = complaint.sla_started_at
    if complaint.first_responded_at is None:
        complaint.first_response_due_at = _due_or_none(complaint, calendar, terms["first_response"])
    due = _due_or_none(complaint, calendar, terms["resolution"])
    warn = _due(complaint, calendar, terms["resolution"], warning_share()) if due else None
    external = complaint.external_deadline
    earlier = external is not None and (due is None or external < due)
    terms["external_deadline"] = earlier
    if external is not None and earlier:
        due = external
        share = start + (external - start) * warning_share() if external > start else due
        warn = share if warn is None else min(warn, share)
    complaint.resolution_due_at = due
    paused = complaint.sla_paused_at is not None
    complaint.sla_warn_at = None if paused else warn
    complaint.sla_check_at = next_check_at(complaint)


def _apply_policy(complaint: Complaint) -> None:
    policy = policy_for(complaint)
    complaint.sla_policy = policy
    complaint.sla_calendar = calendar_name_for(complaint)
    complaint.sla_terms = _terms(policy) if policy is not None else {}
    if policy is not None and policy.time_limit_key:
        entry = TaxonomyEntry.objects.filter(
            dimension=Dimension.TIME_LIMIT, key=policy.time_limit_key
        ).first()
        if entry is not None:
            complaint.time_limit_class = entry
    if policy is None:
        complaint.first_response_due_at = complaint.resolution_due_at = None
    _schedule(complaint)


# -- the clock's life ------------------------------------------------------------------------


def start_clock(complaint: Complaint, at: datetime) -> None:
    """At registration: choose the rule and set both due times."""
    complaint.sla_started_at = at
    complaint.sla_paused_at = None
    complaint.sla_paused_business = ZERO
    complaint.sla_paused_wall = ZERO
    complaint.sla_warned_at = complaint.sla_breached_at = complaint.escalated_at = None
    complaint.first_response_breached_at = None
    _apply_policy(complaint)


def recompute_clock(complaint: Complaint, at: datetime) -> None:
    """Nature, category or department changed: the rule and calendar that apply now.

    The start, the pauses and any warning or breach already recorded are kept.
    """
    if complaint.sla_started_at is None or complaint.status in FINISHED_STATUSES:
        return
    _apply_policy(complaint)


def pause_clock(complaint: Complaint, at: datetime) -> None:
    if complaint.sla_paused_at is None:
        complaint.sla_paused_at = at
        complaint.sla_warn_at = None
        complaint.sla_check_at = None


def _end_pause(complaint: Complaint, at: datetime) -> None:
    paused_at = complaint.sla_paused_at
    if paused_at is None:
        return
    calendar = _calendar(complaint.sla_calendar)
    complaint.sla_paused_business += business_time_between(calendar, paused_at, at)
    complaint.sla_paused_wall += max(ZERO, at - paused_at)
    complaint.sla_paused_at = None


def resume_clock(complaint: Complaint, at: datetime) -> None:
    """The customer answered: the due times move by the time spent waiting for them."""
    if complaint.sla_paused_at is None:
        return
    _end_pause(complaint, at)
    _schedule(complaint)


# What `record_first_response` changes, for callers that save only some fields.
FIRST_RESPONSE_FIELDS = ("first_responded_at", "sla_check_at")


def record_first_response(complaint: Complaint, at: datetime) -> None:
    if complaint.first_responded_at is None and complaint.registered_at is not None:
        complaint.first_responded_at = at
        complaint.sla_check_at = next_check_at(complaint)


def stop_clock(complaint: Complaint, at: datetime) -> None:
    """Resolved, rejected or merged: nothing more to warn about or escalate."""
    _end_pause(complaint, at)
    complaint.sla_warn_at = None
    complaint.sla_check_at = None


def restart_clock_after_reopen(complaint: Complaint, at: datetime) -> None:
    """A reopened complaint gets a new resolution deadline by the rule that applies now."""
    complaint.sla_warned_at = None
    complaint.sla_breached_at = None
    complaint.escalated_at = None
    complaint.sla_paused_at = None
    complaint.sla_paused_business = ZERO
    complaint.sla_paused_wall = ZERO
    complaint.sla_started_at = at
    _apply_policy(complaint)


# -- the live state --------------------------------------------------------------------------


@dataclass(frozen=True)
class SlaState:
    """The time-limit picture of one complaint at one instant, as the API shows it."""

    policy: str
    calendar: str
    first_response_due_at: datetime | None
    first_responded_at: datetime | None
    first_response_breached: bool
    # The sweep found the first response missed and told the supervisors.
    first_response_escalated: bool
    resolution_due_at: datetime | None
    warn_at: datetime | None
    # Business time left until the resolution due time in the complaint's calendar;
    # negative once overdue. None when no clock runs.
    business_minutes_left: int | None
    # Share of the resolution limit used so far (1.0 = all of it).
    share_used: float | None
    paused: bool
    paused_since: datetime | None
    warned: bool
    breached: bool
    escalated: bool


def _signed_business_minutes(calendar: WorkingCalendar, at: datetime, due: datetime) -> int:
    if due >= at:
        return business_time_between(calendar, at, due) // MINUTE
    return -(business_time_between(calendar, due, at) // MINUTE)


def sla_state(complaint: Complaint, now: datetime) -> SlaState:
    """Due times, business time left, share used, paused and breached, at `now`."""
    terms = complaint.sla_terms or {}
    due = complaint.resolution_due_at
    # The clock stands at the start of a pause, and at the result once resolved.
    at = complaint.sla_paused_at or now
    if complaint.status in FINISHED_STATUSES:
        at = complaint.resolved_at or complaint.closed_at or now
    left: int | None = None
    share: float | None = None
    if terms and due is not None and complaint.sla_started_at is not None:
        calendar = _calendar(complaint.sla_calendar)
        left = _signed_business_minutes(calendar, at, due)
        start = complaint.sla_started_at
        if terms.get("external_deadline"):
            total = due - start
            share = (at - start) / total if total > ZERO else 1.0
        else:
            limit = terms["resolution"]
            used = _used(complaint, calendar, limit, at)
            share = used / _limit_amount(calendar, limit)
        share = round(max(0.0, share), 4)
    first_due = complaint.first_response_due_at
    first_breached = first_due is not None and (complaint.first_responded_at or at) > first_due
    return SlaState(
        policy=str(terms.get("policy", "")),
        calendar=complaint.sla_calendar,
        first_response_due_at=first_due,
        first_responded_at=complaint.first_responded_at,
        first_response_breached=first_breached,
        first_response_escalated=complaint.first_response_breached_at is not None,
        resolution_due_at=due,
        warn_at=complaint.sla_warn_at,
        business_minutes_left=left,
        share_used=share,
        paused=complaint.sla_paused_at is not None,
        paused_since=complaint.sla_paused_at,
        warned=complaint.sla_warned_at is not None,
        breached=complaint.sla_breached_at is not None or (due is not None and at > due),
        escalated=complaint.escalated_at is not None,
    )
