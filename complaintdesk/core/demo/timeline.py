"""A complaint's story for the demo: which lifecycle steps happen, by whom, after how long.

The story is planned in memory first, with delays drawn per step; it is then squeezed, if
need be, so that the last step happens before now. The generator replays it through the real
services at those instants.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from complaintdesk.complaints.choices import RejectionReason, Status

S = Status
ASSIGNEE = "@assignee"  # the actor is whoever the complaint is assigned to at that point
MINUTE = 60.0
HOUR = 60 * MINUTE
DAY = 24 * HOUR
STAFFED_CHANNELS = frozenset({"hotline", "walk_in", "service_centre", "face_to_face"})
EXTERNAL_CHANNELS = frozenset({"regulator", "consumer_association", "media", "manufacturer"})
# Handling happens in the day shift (local time); only registration runs around the clock.
WORKDAY_START, WORKDAY_END = 8, 22


@dataclass
class Step:
    """One thing that happens to the complaint: a lifecycle action, an internal note, or a
    change of its handling plan."""

    delay: float  # seconds after the previous step
    action: str  # a lifecycle action, "note", or one of PLAN_ACTIONS
    actor: str  # a username, or ASSIGNEE
    note: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    at: datetime | None = None


@dataclass
class Cast:
    """The people available to one complaint's story."""

    intake_agent: str
    handler: str
    approver: str
    rejecting_supervisor: str
    assigning_supervisor: str
    follow_up_agent: str
    second_handler: str


NoteWriter = Callable[[str], str]

# Steps taken on the handling plan record (handling/plans.py), which moves the complaint:
# draft, submit, send back, revise, approve, and check off an execution step.
PLAN_ACTIONS = frozenset(
    {"draft_plan", "submit_plan", "reject_plan", "revise_plan", "approve_plan", "step_done"}
)


def _between(rng: random.Random, low: float, high: float) -> float:
    # Log-uniform: most steps are quick, a few take long, as in a real queue.
    return float(low * (high / low) ** rng.random())


def story(
    *,
    rng: random.Random,
    target: str,
    channel: str,
    nature: str,
    cast: Cast,
    write: NoteWriter,
    execution: tuple[str, str, str],
    merge_into: int | None = None,
    duplicate_of: int | None = None,
) -> list[Step]:
    """The steps that take a freshly received complaint to `target`; a handling plan, if it
    gets one, has the `execution` steps to carry out."""
    if target == S.RECEIVED:
        return []
    steps = [_register(rng, channel, cast, write)]
    if target == S.REGISTERED:
        return steps
    if target == S.MERGED:
        steps.append(
            Step(
                _between(rng, 10 * MINUTE, 4 * HOUR),
                "merge",
                cast.intake_agent,
                write("merge"),
                {"into": merge_into},
            )
        )
        return steps
    if target == S.REJECTED:
        return steps + _rejection(rng, cast, write, duplicate_of)
    first_contact = (
        channel in STAFFED_CHANNELS
        and nature == "general"
        and target in {S.RESOLVED, S.CLOSED}
        and rng.random() < 0.3
    )
    if first_contact:
        # Solved before anyone could route it.
        steps[0].params["route"] = False
        return steps + _first_contact(rng, target, cast, write)
    return steps + _handling(rng, target, nature, cast, write, execution)


def _register(rng: random.Random, channel: str, cast: Cast, write: NoteWriter) -> Step:
    if channel in STAFFED_CHANNELS:
        return Step(
            _between(rng, 2 * MINUTE, 12 * MINUTE),
            "register",
            cast.intake_agent,
            write("register_staffed"),
        )
    if channel in EXTERNAL_CHANNELS:
        return Step(
            _between(rng, 15 * MINUTE, 5 * HOUR),
            "register",
            cast.intake_agent,
            write("register_external"),
        )
    if channel == "letter":
        return Step(
            _between(rng, 4 * HOUR, 2 * DAY),
            "register",
            cast.intake_agent,
            write("register_digital"),
        )
    return Step(
        _between(rng, 3 * MINUTE, 8 * HOUR),
        "register",
        cast.intake_agent,
        write("register_digital"),
    )


def _rejection(
    rng: random.Random, cast: Cast, write: NoteWriter, duplicate_of: int | None
) -> list[Step]:
    steps = []
    if rng.random() < 0.4:
        steps.append(_assign(rng, cast.intake_agent, cast.handler, write))
        steps.append(Step(_between(rng, 10 * MINUTE, DAY), "start", ASSIGNEE, write("start")))
    if duplicate_of is not None:
        reason, key = RejectionReason.DUPLICATE, "reject_duplicate"
    elif rng.random() < 0.12:
        reason, key = RejectionReason.MALICIOUS, "reject_malicious"
    else:
        reason, key = RejectionReason.INVALID, "reject_invalid"
    params: dict[str, Any] = {"reason": reason}
    if duplicate_of is not None:
        params["duplicate_of"] = duplicate_of
    steps.append(
        Step(
            _between(rng, 30 * MINUTE, 2 * DAY),
            "reject",
            cast.rejecting_supervisor,
            write(key),
            params,
        )
    )
    return steps


def _assign(rng: random.Random, actor: str, assignee: str, write: NoteWriter) -> Step:
    return Step(
        _between(rng, 5 * MINUTE, 6 * HOUR),
        "assign",
        actor,
        write("assign"),
        {"assignee": assignee},
    )


def _first_contact(rng: random.Random, target: str, cast: Cast, write: NoteWriter) -> list[Step]:
    """Solved during the call or at the counter: the agent takes it and resolves it at once."""
    agent = cast.intake_agent
    steps = [
        Step(_between(rng, 20, 90), "assign", agent, "", {"assignee": agent}),
        Step(_between(rng, 20, 90), "start", agent),
        Step(
            _between(rng, 3 * MINUTE, 15 * MINUTE), "resolve", agent, write("resolve_first_contact")
        ),
    ]
    if target == S.CLOSED:
        # An intake agent closes only what is theirs; this one is.
        steps.append(Step(_between(rng, DAY, 5 * DAY), "close", agent, write("close")))
    return steps


def _handling(
    rng: random.Random,
    target: str,
    nature: str,
    cast: Cast,
    write: NoteWriter,
    execution: tuple[str, str, str],
) -> list[Step]:
    """Assignment, investigation, perhaps a plan and its approval, the result, the closure."""
    assigner = cast.assigning_supervisor if nature != "general" else cast.intake_agent
    steps = [_assign(rng, assigner, cast.handler, write)]
    if target == S.ASSIGNED:
        return steps
    steps.append(Step(_between(rng, 10 * MINUTE, DAY), "start", ASSIGNEE, write("start")))
    if rng.random() < 0.4:
        steps.append(
            Step(_between(rng, 30 * MINUTE, DAY), "note", ASSIGNEE, write("internal_note"))
        )
    if target == S.IN_PROGRESS and rng.random() < 0.5:
        return steps
    if target == S.AWAITING_INFO or rng.random() < 0.15:
        steps.append(
            Step(_between(rng, HOUR, DAY), "request_info", ASSIGNEE, write("request_info"))
        )
        if target == S.AWAITING_INFO:
            return steps
        steps.append(
            Step(_between(rng, 4 * HOUR, 4 * DAY), "receive_info", ASSIGNEE, write("receive_info"))
        )
    if target == S.IN_PROGRESS:
        return steps
    wants_plan = (nature != "general" and rng.random() < 0.7) or rng.random() < 0.2
    if target in {S.AWAITING_APPROVAL, S.EXECUTING} or wants_plan:
        steps += _plan(rng, target, cast, write, execution)
        if target in {S.AWAITING_APPROVAL, S.EXECUTING}:
            return steps
        # The result follows the last execution step.
        steps.append(Step(_between(rng, HOUR, DAY), "resolve", ASSIGNEE, write("resolve")))
    else:
        steps.append(Step(_between(rng, 2 * HOUR, 3 * DAY), "resolve", ASSIGNEE, write("resolve")))
    if target == S.REOPENED or (target == S.CLOSED and rng.random() < 0.06):
        steps += _reopening(rng, target, cast, write)
        if target == S.REOPENED:
            return steps
    if target == S.CLOSED:
        # The handler, or the supervisor who checks the follow-up; an intake agent closes
        # only complaints assigned to them.
        steps.append(
            Step(
                _between(rng, DAY, 5 * DAY),
                "close",
                rng.choice((ASSIGNEE, ASSIGNEE, cast.assigning_supervisor)),
                write("close"),
            )
        )
    return steps


def _plan(
    rng: random.Random,
    target: str,
    cast: Cast,
    write: NoteWriter,
    execution: tuple[str, str, str],
) -> list[Step]:
    """Draft, submit, perhaps send back and revise, approve, and carry out a handling plan.

    The whole story is drawn, then cut where `target` stops it: waiting for approval after
    the last submission, executing with some steps still to do.
    """
    titles = list(execution) if rng.random() < 0.5 else [execution[0], execution[-1]]
    steps = [
        Step(_between(rng, 4 * HOUR, 2 * DAY), "draft_plan", ASSIGNEE, write("submit_plan")),
        Step(_between(rng, 10 * MINUTE, 4 * HOUR), "submit_plan", ASSIGNEE),
    ]
    if rng.random() < 0.12:
        steps += [
            Step(_between(rng, HOUR, 8 * HOUR), "reject_plan", cast.approver, write("reject_plan")),
            Step(_between(rng, 2 * HOUR, DAY), "revise_plan", ASSIGNEE, write("submit_plan")),
            Step(_between(rng, 10 * MINUTE, 4 * HOUR), "submit_plan", ASSIGNEE),
        ]
    submitted = len(steps)
    steps.append(
        Step(_between(rng, 30 * MINUTE, DAY), "approve_plan", cast.approver, write("approve_plan"))
    )
    for position in range(1, len(titles) + 1):
        steps.append(
            Step(
                _between(rng, 2 * HOUR, 2 * DAY),
                "step_done",
                ASSIGNEE,
                write("step_done"),
                # Some progress goes to the customer as a message.
                {"position": position, "send": rng.random() < 0.3},
            )
        )
    for index, step in enumerate(steps):
        if step.action in {"draft_plan", "revise_plan"}:
            # The deadline leaves room for the planned work and a margin.
            span = sum(later.delay for later in steps[index + 1 :])
            step.params = {
                "steps": titles,
                "deadline": span + _between(rng, DAY, 4 * DAY),
            }
    if target == S.AWAITING_APPROVAL:
        return steps[:submitted]
    if target == S.EXECUTING:
        return steps[: submitted + 1 + rng.randrange(len(titles))]
    return steps


def _reopening(rng: random.Random, target: str, cast: Cast, write: NoteWriter) -> list[Step]:
    """The customer comes back unhappy; the complaint is reopened and handled again."""
    steps = []
    if rng.random() < 0.5:
        steps.append(Step(_between(rng, DAY, 4 * DAY), "close", ASSIGNEE, write("close")))
    steps.append(
        Step(_between(rng, DAY, 10 * DAY), "reopen", cast.follow_up_agent, write("reopen"))
    )
    if target == S.REOPENED:
        return steps
    if rng.random() < 0.3:
        # Escalated to a colleague after the first attempt failed.
        steps.append(_assign(rng, cast.assigning_supervisor, cast.second_handler, write))
    steps.append(Step(_between(rng, HOUR, DAY), "start", ASSIGNEE, write("start")))
    steps.append(Step(_between(rng, 2 * HOUR, 3 * DAY), "resolve", ASSIGNEE, write("resolve")))
    return steps


def schedule(
    steps: list[Step], received_at: datetime, latest: datetime, zone: ZoneInfo
) -> datetime:
    """Give every step its instant, no later than `latest`, staff work by day where it fits.

    Delays are squeezed as needed so the story ends before `latest`; a handling step that
    would fall at night moves to the next morning when there is room. Returns the received
    time, moved earlier only if even a squeezed story would not fit.
    """
    gap = 15.0  # seconds between two steps, so events never share an instant
    if (latest - received_at).total_seconds() < gap * (len(steps) + 1):
        received_at = latest - timedelta(seconds=gap * (len(steps) + 1))
    moment = received_at
    remaining = sum(step.delay for step in steps)
    for position, step in enumerate(steps):
        after = len(steps) - position - 1  # steps still to place after this one
        room = (latest - moment).total_seconds() - gap * (after + 1)
        scale = min(1.0, room / remaining) if remaining > 0 else 1.0
        remaining -= step.delay
        moment += timedelta(seconds=gap + step.delay * scale)
        # Registration happens whenever the complaint arrives: the contact centre never sleeps.
        if step.action != "register":
            moment = _by_day(moment, zone, latest - timedelta(seconds=gap * after), step.delay)
        step.at = moment
    return received_at


def _by_day(moment: datetime, zone: ZoneInfo, limit: datetime, jitter: float) -> datetime:
    local = moment.astimezone(zone)
    if WORKDAY_START <= local.hour < WORKDAY_END:
        return moment
    morning = local.replace(hour=WORKDAY_START, minute=0, second=0, microsecond=0)
    if local.hour >= WORKDAY_END:
        morning += timedelta(days=1)
    # The night's work is picked up over the morning, not all at eight sharp.
    morning += timedelta(seconds=jitter % (3 * HOUR))
    return morning if morning <= limit else moment
