"""Planning the demo's complaints in memory: when, through which channel, from whom, about
what, and how far each got. Nothing here touches the database.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from complaintdesk.complaints.choices import Status
from complaintdesk.core.demo.customers import CustomerSpec, customer_specs
from complaintdesk.core.demo.texts import CorpusText
from complaintdesk.core.demo.timeline import DAY, STAFFED_CHANNELS, Step

S = Status
WINDOW_DAYS = 90

# Hotline and app bring most complaints; regulators and the media very few.
CHANNEL_WEIGHTS: dict[str, float] = {
    "hotline": 30, "app": 16, "web": 8, "chat": 8, "walk_in": 7, "sms": 6, "email": 5,
    "social": 5, "service_centre": 2, "letter": 2, "regulator": 2, "consumer_association": 1.5,
    "face_to_face": 1, "report": 1, "manufacturer": 0.8, "media": 0.7,
}  # fmt: skip
LANGUAGE_WEIGHTS: dict[str, float] = {"zh-Hans": 62, "zh-Hant": 13, "en": 25}

# Which corpus texts read right for a channel: a hotline note is written by the agent, an
# SMS is short, a letter is long, a referral comes from an outside body.
_SHORT = ("app", "sms", "chat", "social", "web")
_LONG = ("email", "letter", "web")
_STAFF = ("hotline", "walk_in")
_EXTERNAL = ("regulator", "consumer_association", "media")
TEXT_CHANNELS: dict[str, tuple[str, ...]] = {
    "hotline": _STAFF, "walk_in": _STAFF, "service_centre": _STAFF, "face_to_face": _STAFF,
    "app": _SHORT, "sms": _SHORT, "chat": _SHORT, "social": _SHORT, "web": _SHORT,
    "report": _SHORT, "email": _LONG, "letter": _LONG, "manufacturer": _LONG,
    "regulator": _EXTERNAL, "consumer_association": _EXTERNAL, "media": _EXTERNAL,
}  # fmt: skip

# How far a complaint got, by its age in days: young ones are still open, old ones closed.
STATUS_BY_AGE: tuple[tuple[float, dict[str, float]], ...] = (
    (0.25, {S.RECEIVED: 10, S.REGISTERED: 30, S.ASSIGNED: 25, S.IN_PROGRESS: 20,
            S.REJECTED: 2, S.RESOLVED: 13}),
    (2, {S.REGISTERED: 8, S.ASSIGNED: 15, S.IN_PROGRESS: 30, S.AWAITING_INFO: 8,
         S.AWAITING_APPROVAL: 5, S.RESOLVED: 25, S.REJECTED: 3, S.MERGED: 3}),
    (7, {S.IN_PROGRESS: 19, S.AWAITING_INFO: 9, S.AWAITING_APPROVAL: 6, S.EXECUTING: 10,
         S.RESOLVED: 24, S.CLOSED: 22, S.REJECTED: 3, S.MERGED: 3, S.REOPENED: 4}),
    (21, {S.IN_PROGRESS: 8, S.AWAITING_INFO: 4, S.AWAITING_APPROVAL: 1, S.EXECUTING: 5,
          S.REOPENED: 4, S.RESOLVED: 7, S.CLOSED: 64, S.REJECTED: 4, S.MERGED: 3}),
    (WINDOW_DAYS + 1, {S.IN_PROGRESS: 1.5, S.AWAITING_INFO: 0.5, S.EXECUTING: 1,
                       S.REOPENED: 1, S.RESOLVED: 0.5, S.CLOSED: 90, S.REJECTED: 3.5,
                       S.MERGED: 2}),
)  # fmt: skip
# Where each status is plausible, in days of age, when one is forced in for variety.
FORCED_AGE: dict[str, tuple[float, float]] = {
    S.RECEIVED: (0.02, 0.2), S.REGISTERED: (0.05, 1), S.ASSIGNED: (0.1, 2),
    S.IN_PROGRESS: (1, 10), S.AWAITING_INFO: (2, 12), S.AWAITING_APPROVAL: (2, 8),
    S.EXECUTING: (3, 15), S.REOPENED: (8, 30), S.RESOLVED: (2, 8), S.CLOSED: (10, 80),
    S.REJECTED: (1, 60), S.MERGED: (1, 10),
}  # fmt: skip
# A merged complaint joins one that is still open and was never resolved.
MERGE_TARGETS = frozenset({S.REGISTERED, S.ASSIGNED, S.IN_PROGRESS, S.AWAITING_INFO})

# Hours of the day (local time) when each kind of channel brings complaints.
_OFFICE_HOURS = (9, 10, 10, 11, 11, 14, 15, 15, 16, 17)
_CALL_HOURS = (8, 9, 9, 10, 10, 11, 11, 12, 13, 14, 14, 15, 15, 16, 16, 17, 18, 19, 20, 21)
_ONLINE_HOURS = (0, 7, 8, 9, 10, 11, 12, 12, 13, 14, 17, 19, 20, 20, 21, 21, 22, 22, 23, 23)


@dataclass
class ComplaintPlan:
    """One demo complaint before it exists: its facts, its final status and its story."""

    index: int
    received_at: datetime
    target: str
    language: str = ""
    channel: str = ""
    text: CorpusText | None = None
    customer: CustomerSpec | None = None
    incident: bool = False
    related: int | None = None  # the complaint a merged or duplicate one repeats
    intake_agent: str = ""
    department: str = ""  # the handling department's code, whose budget pays compensation
    steps: list[Step] = field(default_factory=list)


def _status_for_age(rng: random.Random, age_days: float) -> str:
    for limit, weights in STATUS_BY_AGE:
        if age_days < limit:
            statuses, values = zip(*weights.items(), strict=True)
            return rng.choices(statuses, values)[0]
    return S.CLOSED


def _local_time(rng: random.Random, day: datetime, channel: str, zone: ZoneInfo) -> datetime:
    hours: tuple[int, ...]
    if channel in STAFFED_CHANNELS:
        hours = _CALL_HOURS
    elif channel in {"letter", "regulator", "consumer_association", "media", "manufacturer"}:
        hours = _OFFICE_HOURS
    else:
        hours = _ONLINE_HOURS
    local = day.astimezone(zone).replace(
        hour=rng.choice(hours), minute=rng.randrange(60), second=rng.randrange(60), microsecond=0
    )
    return local


def plan_skeletons(
    rng: random.Random, count: int, now: datetime, zone: ZoneInfo
) -> list[ComplaintPlan]:
    """Receipt times, channels, languages and final statuses for `count` complaints."""
    languages, language_weights = zip(*LANGUAGE_WEIGHTS.items(), strict=True)
    channels, channel_weights = zip(*CHANNEL_WEIGHTS.items(), strict=True)
    incident_day = now - timedelta(days=rng.uniform(30, 50))
    incident_count = count * 3 // 100
    plans = []
    for index in range(count):
        incident = index < incident_count
        if incident:
            # A broadband outage one evening: a burst of network complaints in a few hours.
            language, channel = "zh-Hans", rng.choice(("hotline", "hotline", "app", "social"))
            received = incident_day.astimezone(zone).replace(hour=19, minute=0) + timedelta(
                minutes=rng.uniform(0, 300)
            )
        else:
            language = rng.choices(languages, language_weights)[0]
            channel = rng.choices(channels, channel_weights)[0]
            day = now - timedelta(days=rng.uniform(0, WINDOW_DAYS))
            received = _local_time(rng, day, channel, zone)
            if received > now - timedelta(minutes=10):
                received = now - timedelta(minutes=rng.uniform(10, 240))
        age = (now - received).total_seconds() / DAY
        plans.append(
            ComplaintPlan(
                index=index,
                received_at=received,
                target=_status_for_age(rng, age),
                language=language,
                channel=channel,
                incident=incident,
            )
        )
    if count >= 40:
        _force_every_status(rng, plans, now)
    return plans


def _force_every_status(rng: random.Random, plans: list[ComplaintPlan], now: datetime) -> None:
    """Small demos still show each status at least once (tests and screenshots rely on it)."""
    present = Counter(plan.target for plan in plans)
    spare = [plan for plan in plans if plan.target == S.CLOSED and not plan.incident]
    rng.shuffle(spare)
    for status in Status.values:
        if present[status] or not spare:
            continue
        plan = spare.pop()
        low, high = FORCED_AGE[status]
        plan.target = status
        plan.received_at = now - timedelta(days=rng.uniform(low, high))
        if status == S.MERGED:
            # A merged complaint needs an open one to join.
            host = spare.pop() if spare else plan
            host.target = S.IN_PROGRESS
            host.received_at = plan.received_at - timedelta(hours=rng.uniform(6, 48))


def link_repeats(rng: random.Random, plans: list[ComplaintPlan], now: datetime) -> None:
    """Merged complaints join an open one of the same matter; some rejections are duplicates."""
    by_time = sorted(plans, key=lambda plan: plan.received_at)
    # A host needs room after it for the repeat to arrive, be registered and be merged.
    hosts = [
        plan
        for plan in by_time
        if plan.target in MERGE_TARGETS and now - plan.received_at > timedelta(hours=1)
    ]
    for plan in plans:
        if plan.target == S.MERGED:
            if not hosts:
                plan.target = S.CLOSED
                continue
            host = rng.choice(hosts)
            plan.related = host.index
            plan.channel = rng.choice(
                [c for c in ("app", "hotline", "sms", "web", "social") if c != host.channel]
            )
            room = (now - host.received_at).total_seconds() - 40 * 60
            plan.received_at = host.received_at + timedelta(
                seconds=rng.uniform(10 * 60, min(room, 2 * DAY))
            )
        elif plan.target == S.REJECTED and rng.random() < 0.2:
            earlier = [
                other
                for other in by_time
                if other.received_at < plan.received_at
                and other.target not in {S.REJECTED, S.MERGED}
            ][-30:]
            if earlier:
                plan.related = rng.choice(earlier).index


def pick_texts(
    rng: random.Random, plans: list[ComplaintPlan], corpus: dict[str, list[CorpusText]]
) -> None:
    """Each complaint gets a corpus text that suits its language and channel, spreading reuse."""
    uses: Counter[str] = Counter()
    for plan in plans:
        if plan.related is not None:
            continue
        pool = corpus[plan.language] or next(texts for texts in corpus.values() if texts)
        plan.language = pool[0].language
        wanted = TEXT_CHANNELS.get(plan.channel, _SHORT)
        candidates = [text for text in pool if text.channel in wanted]
        if plan.incident:
            candidates = [t for t in pool if t.content_key == "network.stability"] or candidates
        elif plan.channel == "manufacturer":
            candidates = [t for t in candidates if t.category == "device"] or candidates
        elif plan.channel == "report":
            candidates = [t for t in candidates if t.category == "other"] or candidates
        if not candidates:
            candidates = pool
        least = min(uses[text.id] for text in candidates)
        plan.text = rng.choice([text for text in candidates if uses[text.id] == least])
        uses[plan.text.id] += 1
    by_index = {plan.index: plan for plan in plans}
    for plan in plans:
        if plan.related is not None:
            original = by_index[plan.related]
            plan.text, plan.language = original.text, original.language


def pick_customers(
    rng: random.Random, plans: list[ComplaintPlan], now: datetime, ratio: float = 0.6
) -> list[CustomerSpec]:
    """About `ratio` customers per complaint: most complain once, a few again and again."""
    by_language: dict[str, list[ComplaintPlan]] = defaultdict(list)
    for plan in sorted(plans, key=lambda plan: plan.received_at):
        if plan.related is None:
            by_language[plan.language].append(plan)
    everyone: list[CustomerSpec] = []
    for language in sorted(by_language):
        group = by_language[language]
        count = max(1, round(len(group) * ratio))
        specs = customer_specs(rng, language, count, len(everyone) + 1, now)
        everyone += specs
        # Everyone complains once; the rest go mostly to one in seven customers, a few of
        # whom complain again and again.
        weights = [2.5 if rank < 3 else 1.0 if rank < count // 7 else 0.04 for rank in range(count)]
        owners = list(range(count)) + rng.choices(range(count), weights, k=len(group) - count)
        rng.shuffle(owners)
        for plan, owner in zip(group, owners, strict=True):
            plan.customer = specs[owner]
    by_index = {plan.index: plan for plan in plans}
    for plan in plans:
        if plan.related is not None:
            # A family member or neighbour reports the same matter: a possible duplicate that
            # an agent merges. (The same customer sending it again is a repeat, counted by
            # intake on the open complaint, not a complaint of its own.)
            original = by_index[plan.related].customer
            plan.customer = rng.choice([spec for spec in everyone if spec is not original])
    return everyone
