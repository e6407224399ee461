from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """Lifecycle states; the transitions between them live in complaints/lifecycle.py."""

    RECEIVED = "received", _("Received")
    REGISTERED = "registered", _("Registered")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_INFO = "awaiting_info", _("Awaiting customer information")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    EXECUTING = "executing", _("Executing plan")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    REJECTED = "rejected", _("Rejected")
    MERGED = "merged", _("Merged")


OPEN_STATUSES = frozenset(
    {
        Status.RECEIVED,
        Status.REGISTERED,
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.AWAITING_INFO,
        Status.AWAITING_APPROVAL,
        Status.EXECUTING,
        Status.REOPENED,
    }
)
FINISHED_STATUSES = frozenset({Status.RESOLVED, Status.CLOSED, Status.REJECTED, Status.MERGED})


class Channel(models.TextChoices):
    """Where a complaint came in (SPEC §1)."""

    HOTLINE = "hotline", _("Hotline phone")
    WALK_IN = "walk_in", _("Walk-in at a shop")
    SERVICE_CENTRE = "service_centre", _("Service centre")
    LETTER = "letter", _("Letter")
    FACE_TO_FACE = "face_to_face", _("Face to face")
    WEB = "web", _("Web form")
    CHAT = "chat", _("Online chat")
    EMAIL = "email", _("E-mail")
    SOCIAL = "social", _("Social media / BBS")
    APP = "app", _("Mobile app")
    SMS = "sms", _("SMS")
    REPORT = "report", _("Report hotline / mailbox")
    MANUFACTURER = "manufacturer", _("Complaint to the manufacturer")
    CONSUMER_ASSOCIATION = "consumer_association", _("Consumer association")
    MEDIA = "media", _("Media")
    REGULATOR = "regulator", _("Regulator")


# Complaints through these bodies are major by default (SPEC §1, seed 001).
MAJOR_BY_DEFAULT_CHANNELS = frozenset(
    {Channel.MANUFACTURER, Channel.CONSUMER_ASSOCIATION, Channel.MEDIA, Channel.REGULATOR}
)


class Level(models.IntegerChoices):
    """Urgency and importance from the registration rubric (SPEC §2.5)."""

    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")
    CRITICAL = 4, _("Critical")


class Demand(models.TextChoices):
    """What the customer asks for (SPEC §2.3); the list is kept with its changes."""

    COMPENSATION = "compensation", _("Compensation")
    APOLOGY = "apology", _("Apology")
    REPAIR = "repair", _("Repair")
    REPLACEMENT = "replacement", _("Replacement")
    REFUND = "refund", _("Refund")
    SERVICE_IMPROVEMENT = "service_improvement", _("Service improvement")
    EXPLANATION = "explanation", _("Explanation")
    CANCELLATION = "cancellation", _("Cancel the service")
    OTHER = "other", _("Other")


class RejectionReason(models.TextChoices):
    INVALID = "invalid", _("Invalid: not a complaint or outside our scope")
    MALICIOUS = "malicious", _("Malicious, with fabricated facts")
    DUPLICATE = "duplicate", _("Duplicate of another complaint")


class Visibility(models.TextChoices):
    INTERNAL = "internal", _("Internal")
    CUSTOMER = "customer", _("Visible to the customer")


class EventKind(models.TextChoices):
    CREATED = "created", _("Received")
    TRANSITION = "transition", _("Status changed")
    FIELD_CHANGED = "field_changed", _("Field changed")
    NOTE = "note", _("Note")
    ATTACHMENT = "attachment", _("Attachment added")
    TRIAGE = "triage", _("Triage")
    TRIAGE_CORRECTED = "triage_corrected", _("Triage corrected")
    ROUTED = "routed", _("Routed")
    ASSIGNED = "assigned", _("Assigned")
    DUPLICATE_SUSPECTED = "duplicate_suspected", _("Possible duplicate")
    REPEAT_RECEIVED = "repeat_received", _("Customer sent it again")
    SLA_WARNING = "sla_warning", _("Time limit warning")
    SLA_BREACHED = "sla_breached", _("Time limit breached")
    FIRST_RESPONSE_OVERDUE = "first_response_overdue", _("First response overdue")
    ESCALATED = "escalated", _("Escalated")
    MESSAGE = "message", _("Message to the customer")
    MANAGEMENT_NOTIFIED = "management_notified", _("Management notified")
    RESPONSIBILITY = "responsibility", _("Responsibility determination")
    PLAN = "plan", _("Handling plan")
    COMPENSATION = "compensation", _("Compensation")
    CARE = "care", _("Customer care")
    SURVEY = "survey", _("Satisfaction survey")
    FOLLOW_UP = "follow_up", _("Follow-up visit")
    REJECTION_REVIEW = "rejection_review", _("Rejection review")
    ESCALATION_RAISED = "escalation_raised", _("Escalated to management")
    ESCALATION_DECIDED = "escalation_decided", _("Management's decision on the escalation")
    ESCALATION_WITHDRAWN = "escalation_withdrawn", _("Escalation withdrawn")


class TimeBasis(models.TextChoices):
    """How a time limit is counted: in the department's working hours, around the clock, or
    in working days of the department's calendar (the limit's minutes / 1,440 days, each as
    long as that calendar's working day: 7.5 hours in an office, 24 hours on a 24×7 desk)."""

    BUSINESS = "business", _("Business hours")
    CALENDAR = "calendar", _("Calendar hours")
    WORKING_DAYS = "workdays", _("Working days (1,440 minutes a day)")


class EscalationReason(models.TextChoices):
    """Why a handler escalates a complaint to higher management (SPEC §4, §14)."""

    COMPLEX = "complex", _("Complex or special complaint")
    HIGHER_LEVEL = "higher_level", _("The customer asks for a higher level")
    THREAT = "threat", _("The customer threatens the media, a regulator or legal action")
    AUTHORITY = "authority", _("The remedy needs more authority than the handler has")
    OTHER = "other", _("Other")


class EscalationStatus(models.TextChoices):
    OPEN = "open", _("Waiting for management")
    DECIDED = "decided", _("Decided")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class EscalationDecision(models.TextChoices):
    """What management decided on an escalation."""

    APPROVED = "approved", _("Approve the handling as proposed")
    TAKE_OVER = "take_over", _("Take the complaint over")
    REASSIGN = "reassign", _("Reassign the complaint")
    AUTHORISE = "authorise", _("Authorise a higher remedy")
    REJECT = "reject", _("Reject the escalation")
