"""Duplicates, repeats and similar complaints at intake (SPEC §14), with the triage detector.

- A *repeat*: the same customer sends the same complaint again while it is open. It is not a
  new case: the open complaint counts the repeat and its timeline says so. An external body
  (regulator, media, consumer association, manufacturer) taking it up is not a repeat: that
  submission is registered on its own and linked to the open complaint (intake/services.py).
- A *possible duplicate*: another customer's complaint says the same thing. The new complaint
  is registered and points to it with a score; an agent merges it through the lifecycle.
- *Mass*: many customers complaining of the same thing within a day raises the `mass` crisis
  signal on the new complaint.

Candidates come from DuplicateFingerprint (LSH band keys in an indexed table, so every worker
process sees every complaint); `engine.DuplicateDetector` decides on those few candidates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count
from django.utils.translation import gettext as _

from complaintdesk.accounts.models import User
from complaintdesk.complaints.choices import OPEN_STATUSES, EventKind, Status
from complaintdesk.complaints.events import event_record
from complaintdesk.complaints.models import Complaint
from complaintdesk.complaints.selectors import complaints_visible_to
from complaintdesk.core import clock
from complaintdesk.customers.models import Customer
from complaintdesk.intake.models import DuplicateFingerprint
from complaintdesk.triage.engine import DuplicateDetector
from complaintdesk.triage.engine.dedupe import band_keys

DUPLICATE_WINDOW = timedelta(days=30)
MASS_WINDOW = timedelta(hours=24)
# This many similar complaints from other customers within MASS_WINDOW make a mass signal.
MASS_MIN_SIMILAR = 5
MASS_SIMILARITY = 0.5
# The detector prepares every candidate's text, so only the complaints sharing the most band
# keys are compared: enough for the best duplicate and for MASS_MIN_SIMILAR other customers,
# and cheap during an incident when hundreds of complaints say the same thing.
CANDIDATE_LIMIT = 40


def complaint_text(complaint: Complaint) -> str:
    return f"{complaint.subject}\n{complaint.description}"


def fingerprint_store(complaint: Complaint) -> None:
    keys = set(band_keys(complaint_text(complaint)))
    DuplicateFingerprint.objects.bulk_create(
        DuplicateFingerprint(
            complaint=complaint,
            key=key,
            customer_id=complaint.customer_id,
            received_at=complaint.received_at,
        )
        for key in keys
    )


def _candidate_ids(text: str, *, exclude_id: int, window: timedelta) -> list[int]:
    keys = band_keys(text)
    if not keys:
        return []
    rows = (
        DuplicateFingerprint.objects.filter(key__in=keys, received_at__gte=clock.now() - window)
        .exclude(complaint_id=exclude_id)
        .values("complaint_id")
        .annotate(shared=Count("id"))
        .order_by("-shared", "-complaint_id")[:CANDIDATE_LIMIT]
    )
    return [row["complaint_id"] for row in rows]


def _detector_over(complaints: list[Complaint], threshold: float = 0.7) -> DuplicateDetector:
    detector = DuplicateDetector(threshold=threshold)
    for candidate in sorted(complaints, key=lambda c: (c.received_at, c.pk)):
        detector.add(candidate.pk, complaint_text(candidate))
    return detector


@dataclass(frozen=True)
class RepeatMatch:
    """The customer's open complaint that a new text repeats, and how alike they are."""

    complaint: Complaint
    score: float


def repeat_of(*, customer: Customer, subject: str, description: str) -> RepeatMatch | None:
    """The customer's open complaint that this text repeats, if any."""
    open_complaints = list(
        Complaint.objects.filter(customer=customer, status__in=OPEN_STATUSES).order_by(
            "received_at"
        )[:50]
    )
    if not open_complaints:
        return None
    match = _detector_over(open_complaints).query(f"{subject}\n{description}")
    if match is None:
        return None
    complaint = next(c for c in open_complaints if c.pk == match.key)
    return RepeatMatch(complaint=complaint, score=match.score)


def repeat_record(
    *,
    complaint: Complaint,
    actor: object,
    channel: str,
    text: str,
    registered_as: Complaint | None = None,
) -> Complaint:
    """Count a repeat on the open complaint; runs inside the intake transaction.

    `registered_as`: an external body took the complaint up and that submission was
    registered on its own (intake/services.py); the timeline points to it.
    """
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    locked.repeat_count += 1
    locked.save(update_fields=["repeat_count", "updated_at"])
    after: dict[str, object] = {"channel": channel, "repeat_count": locked.repeat_count}
    note = text[:2000]
    if registered_as is not None:
        after.update(
            registered_as=registered_as.tracking_number,
            external_body=registered_as.external_body,
            channel_reference=registered_as.channel_reference,
            external_deadline=(
                registered_as.external_deadline.isoformat()
                if registered_as.external_deadline
                else None
            ),
        )
        sent_on = _(
            "Sent again through %(channel)s and registered on its own as %(number)s, with the "
            "external body's reference and deadline."
        ) % {
            "channel": registered_as.get_channel_display(),
            "number": registered_as.tracking_number,
        }
        note = f"{sent_on}\n\n{note}"
    event_record(
        complaint=locked,
        actor=actor,
        kind=EventKind.REPEAT_RECEIVED,
        after=after,
        note=note,
    )
    return locked


@dataclass(frozen=True)
class SimilarComplaint:
    complaint: Complaint
    score: float


def complaint_check_duplicates(
    *, complaint: Complaint, taken_up: RepeatMatch | None = None
) -> None:
    """Index the new complaint, flag a possible duplicate and raise `mass` when warranted.

    Runs inside the intake transaction, after triage and before registration. `taken_up`:
    the customer's own open complaint that an external body has now taken up; that is the
    link, whatever other customers' complaints look like.
    """
    text = complaint_text(complaint)
    candidate_ids = _candidate_ids(text, exclude_id=complaint.pk, window=DUPLICATE_WINDOW)
    fingerprint_store(complaint)
    changed: list[str] = []
    if taken_up is not None:
        _link_to_own_complaint(complaint, taken_up)
        changed += ["duplicate_of", "duplicate_score"]
    if candidate_ids:
        changed += _flag_similar(complaint, text, candidate_ids, find_duplicate=taken_up is None)
    if changed:
        complaint.save(update_fields=[*changed, "updated_at"])


def _flag_similar(
    complaint: Complaint, text: str, candidate_ids: list[int], *, find_duplicate: bool
) -> list[str]:
    """The possible duplicate and the mass signal from the candidates; the fields changed."""
    candidates = list(
        Complaint.objects.filter(pk__in=candidate_ids).exclude(
            status__in=[Status.MERGED, Status.REJECTED]
        )
    )
    detector = _detector_over(candidates)
    by_id = {c.pk: c for c in candidates}
    changed: list[str] = []
    match = detector.query(text) if find_duplicate else None
    if match is not None:
        original = by_id[int(str(match.key))]
        complaint.duplicate_of = original
        complaint.duplicate_score = match.score
        changed += ["duplicate_of", "duplicate_score"]
        event_record(
            complaint=complaint,
            actor=None,
            kind=EventKind.DUPLICATE_SUSPECTED,
            after={"duplicate_of": original.tracking_number, "score": match.score},
            note=_("Possibly the same complaint as %(number)s (similarity %(score).0f%%).")
            % {"number": original.tracking_number, "score": match.score * 100},
        )
    since = complaint.received_at - MASS_WINDOW
    similar_others = {
        by_id[int(str(m.key))].customer_id
        for m in detector.similar(text, k=len(candidates))
        if m.score >= MASS_SIMILARITY
        and by_id[int(str(m.key))].received_at >= since
        and by_id[int(str(m.key))].customer_id != complaint.customer_id
    }
    if len(similar_others) >= MASS_MIN_SIMILAR and "mass" not in complaint.crisis_signals:
        complaint.crisis_signals = sorted({*complaint.crisis_signals, "mass"})
        changed.append("crisis_signals")
        event_record(
            complaint=complaint,
            actor=None,
            kind=EventKind.TRIAGE,
            after={
                "crisis_signals": complaint.crisis_signals,
                "similar_customers": len(similar_others),
            },
            note=_("%(count)d other customers complained of the same within 24 hours.")
            % {"count": len(similar_others)},
        )
    return changed


def _link_to_own_complaint(complaint: Complaint, taken_up: RepeatMatch) -> None:
    original = taken_up.complaint
    complaint.duplicate_of = original
    complaint.duplicate_score = taken_up.score
    event_record(
        complaint=complaint,
        actor=None,
        kind=EventKind.DUPLICATE_SUSPECTED,
        after={
            "duplicate_of": original.tracking_number,
            "score": taken_up.score,
            "same_customer": True,
            # What the sentence names, so the timeline says it in the reader's language.
            "channel": complaint.channel,
        },
        note=_(
            "The customer's open complaint %(number)s says the same. This one came through "
            "%(channel)s with its own reference and deadline, so it is registered on its own; "
            "merging it into %(number)s would stop the clock on that deadline."
        )
        % {"number": original.tracking_number, "channel": complaint.get_channel_display()},
    )


def similar_complaints(*, complaint: Complaint, user: User, k: int = 10) -> list[SimilarComplaint]:
    """Complaints most like this one that the user may see, best first (for agents)."""
    text = complaint_text(complaint)
    candidate_ids = _candidate_ids(text, exclude_id=complaint.pk, window=timedelta(days=365))
    candidates = list(complaints_visible_to(user).filter(pk__in=candidate_ids))
    if not candidates:
        return []
    by_id = {c.pk: c for c in candidates}
    detector = _detector_over(candidates)
    return [
        SimilarComplaint(complaint=by_id[int(str(m.key))], score=m.score)
        for m in detector.similar(text, k=k)
    ]
