from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from complaintdesk.complaints.choices import (
    OPEN_STATUSES,
    Channel,
    EscalationDecision,
    EscalationReason,
    EscalationStatus,
    EventKind,
    Level,
    RejectionReason,
    Status,
    TimeBasis,
    Visibility,
)
from complaintdesk.customers.models import CustomerTier
from complaintdesk.triage.choices import Behaviour, Dimension, Emotion, Motive


def _taxonomy_fk(dimension: str, label: StrOrPromise) -> models.ForeignKey[Any, Any]:
    return models.ForeignKey(
        "triage.TaxonomyEntry",
        verbose_name=label,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"dimension": dimension},
    )


# The longest time limit a policy may set: one year.
MAX_LIMIT_MINUTES = 365 * 24 * 60


class SlaPolicy(models.Model):
    """A time-limit rule (时限规则): how soon its complaints get a first response and a result.

    Its conditions (nature, content category, channel, customer tier) are each blank for
    "any". Of the active rules that match a complaint the most specific one wins — a
    second-level category counts double — and `priority` breaks ties, higher first.
    Each limit is counted in business hours of the department's calendar or in calendar
    hours, as the rule says. sla.py applies the rules; nothing else reads them.
    """

    name = models.CharField(_("name"), max_length=120)
    nature_key = models.CharField(
        _("nature"), max_length=60, blank=True, help_text=_("Nature key, e.g. major; blank: any.")
    )
    category_key = models.CharField(
        _("content category"),
        max_length=60,
        blank=True,
        help_text=_("Content key, top level (network) or second level (network.speed)."),
    )
    channel = models.CharField(_("channel"), max_length=30, choices=Channel.choices, blank=True)
    customer_tier = models.CharField(
        _("customer tier"), max_length=20, choices=CustomerTier.choices, blank=True
    )
    first_response_minutes = models.PositiveIntegerField(
        _("first response within (minutes)"), validators=[MinValueValidator(1)]
    )
    first_response_basis = models.CharField(
        _("first response counted in"),
        max_length=10,
        choices=TimeBasis.choices,
        default=TimeBasis.BUSINESS,
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution within (minutes)"), validators=[MinValueValidator(1)]
    )
    resolution_basis = models.CharField(
        _("resolution counted in"),
        max_length=10,
        choices=TimeBasis.choices,
        default=TimeBasis.BUSINESS,
    )
    time_limit_key = models.CharField(
        _("time limit class"),
        max_length=60,
        blank=True,
        help_text=_("Time-limit taxonomy key recorded on the complaint, e.g. within_24h."),
    )
    priority = models.IntegerField(
        _("priority"), default=100, help_text=_("Breaks ties between equally specific rules.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    description = models.TextField(_("description"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-priority", "name", "id"]
        verbose_name = _("time-limit policy")
        verbose_name_plural = _("time-limit policies")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # Beyond a year a limit is a typo, and a huge one (1e12 minutes) puts the deadline
        # past the last date a computer calendar holds, so no complaint could be registered.
        too_long = {
            name: _("At most %(max)s minutes (one year).") % {"max": MAX_LIMIT_MINUTES}
            for name in ("first_response_minutes", "resolution_minutes")
            if (getattr(self, name) or 0) > MAX_LIMIT_MINUTES
        }
        if too_long:
            raise ValidationError(too_long)
        # Counted the same way, a first response due after the resolution is a typo (6000
        # for 60) that would leave every complaint overdue before its first answer is due.
        same_basis = self.first_response_basis == self.resolution_basis
        if (
            same_basis
            and self.first_response_minutes is not None
            and self.resolution_minutes is not None
            and self.first_response_minutes > self.resolution_minutes
        ):
            raise ValidationError(
                {
                    "first_response_minutes": _(
                        "The first response cannot be due later than the resolution "
                        "(%(first)s > %(resolution)s minutes)."
                    )
                    % {"first": self.first_response_minutes, "resolution": self.resolution_minutes}
                }
            )
        tied = self.tied_policy()
        if tied is not None:
            raise ValidationError(
                _(
                    "Time-limit policy %(name)s (#%(id)d) already applies to the same complaints "
                    "with the same priority, so which one counts would be left to chance. "
                    "Change that policy instead, or give this one other conditions or another "
                    "priority."
                )
                % {"name": tied.name, "id": tied.pk}
            )

    def tied_policy(self) -> SlaPolicy | None:
        """Another active policy with this one's conditions and priority, if this one is
        active: the two would match the same complaints and neither would be preferred.

        An inactive copy is allowed (a policy being prepared); turning it on is then refused
        while the other is active.
        """
        if not self.is_active:
            return None
        return (
            SlaPolicy.objects.filter(
                is_active=True,
                nature_key=self.nature_key,
                category_key=self.category_key,
                channel=self.channel,
                customer_tier=self.customer_tier,
                priority=self.priority,
            )
            .exclude(pk=self.pk)
            .first()
        )

    @property
    def specificity(self) -> int:
        second_level = "." in self.category_key
        return (
            bool(self.nature_key)
            + bool(self.channel)
            + bool(self.customer_tier)
            + (2 if second_level else int(bool(self.category_key)))
        )

    def matches(self, *, nature: str, categories: tuple[str, ...], channel: str, tier: str) -> bool:
        """Whether a complaint with these keys falls under this rule (blank conditions match)."""
        return (
            (not self.nature_key or self.nature_key == nature)
            and (not self.category_key or self.category_key in categories)
            and (not self.channel or self.channel == channel)
            and (not self.customer_tier or self.customer_tier == tier)
        )


class Complaint(models.Model):
    """A customer's complaint, from receipt to closure; its status moves only by lifecycle.py."""

    tracking_number = models.CharField(_("tracking number"), max_length=16, unique=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    channel = models.CharField(_("channel"), max_length=30, choices=Channel.choices)
    channel_reference = models.CharField(_("channel reference"), max_length=200, blank=True)
    external_body = models.CharField(_("external body"), max_length=200, blank=True)
    external_deadline = models.DateTimeField(_("external body's deadline"), null=True, blank=True)
    is_report = models.BooleanField(_("report of a violation"), default=False)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    registered_at = models.DateTimeField(_("registered"), null=True, blank=True)

    subject = models.CharField(_("subject"), max_length=300)
    description = models.TextField(_("description"))
    # Subject and description as the list search reads them: traditional Chinese as
    # simplified, full width as half, lower case (complaints/selectors.py, written at intake).
    search_text = models.TextField(_("search text"), blank=True, default="", editable=False)
    expected_resolution = models.TextField(_("customer's expected resolution"), blank=True)
    demands = models.JSONField(_("demands"), default=list, blank=True)
    language = models.CharField(_("language"), max_length=10, default="zh-Hans")
    order_reference = models.CharField(_("order / account reference"), max_length=120, blank=True)
    product_reference = models.CharField(_("product / batch"), max_length=120, blank=True)

    content_category = _taxonomy_fk(Dimension.CONTENT, _("content category"))
    nature = _taxonomy_fk(Dimension.NATURE, _("nature"))
    complaint_object = _taxonomy_fk(Dimension.OBJECT, _("object"))
    handling_department_class = _taxonomy_fk(Dimension.DEPARTMENT, _("handling department class"))
    time_limit_class = _taxonomy_fk(Dimension.TIME_LIMIT, _("time limit class"))

    urgency = models.PositiveSmallIntegerField(
        _("urgency"), choices=Level.choices, default=Level.MEDIUM
    )
    importance = models.PositiveSmallIntegerField(
        _("importance"), choices=Level.choices, default=Level.MEDIUM
    )
    emotion = models.CharField(_("emotion"), max_length=20, choices=Emotion.choices, blank=True)
    motive = models.CharField(_("motive"), max_length=20, choices=Motive.choices, blank=True)
    behaviour = models.CharField(
        _("behaviour type"), max_length=20, choices=Behaviour.choices, blank=True
    )
    crisis_signals = models.JSONField(_("crisis signals"), default=list, blank=True)
    triage_confidence = models.FloatField(_("triage confidence"), null=True, blank=True)
    # The last prediction as shown to agents: labels, confidences, explanations, guidance,
    # model version. Kept so a correction can say what it corrected.
    triage_result = models.JSONField(_("triage result"), default=dict, blank=True)
    needs_triage = models.BooleanField(_("needs manual triage"), default=False)
    abusive_language = models.BooleanField(_("abusive language"), default=False)

    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_complaints",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    # Where an "awaiting information" pause returns to when the customer answers.
    status_before_pause = models.CharField(max_length=20, choices=Status.choices, blank=True)

    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    first_responded_at = models.DateTimeField(_("first responded"), null=True, blank=True)
    # The escalation sweep found the first response missed (and told the supervisors).
    first_response_breached_at = models.DateTimeField(null=True, blank=True)
    sla_paused_at = models.DateTimeField(_("time limit paused since"), null=True, blank=True)
    sla_warned_at = models.DateTimeField(null=True, blank=True)
    sla_breached_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # The running SLA clock (complaints/sla.py): which rule, which calendar, the limits
    # as they were when the clock started, and the paused time that moves the due times.
    sla_policy = models.ForeignKey(
        SlaPolicy,
        verbose_name=_("time-limit policy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sla_calendar = models.CharField(_("business calendar"), max_length=60, blank=True)
    sla_terms = models.JSONField(_("time-limit terms"), default=dict, blank=True)
    sla_started_at = models.DateTimeField(_("time limit counted from"), null=True, blank=True)
    sla_paused_business = models.DurationField(default=timedelta(0))
    sla_paused_wall = models.DurationField(default=timedelta(0))
    sla_warn_at = models.DateTimeField(
        _("time limit warning at"), null=True, blank=True, db_index=True
    )
    # When the escalation sweep must next look at this complaint; empty when there is
    # nothing left to warn or escalate, so the sweep is a range scan over a few rows.
    sla_check_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Routing found nobody available: the complaint waits in its department's queue.
    needs_assignment = models.BooleanField(_("waiting in the department queue"), default=False)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("possible duplicate of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suspected_duplicates",
    )
    duplicate_score = models.FloatField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_complaints",
    )
    rejection_reason = models.CharField(
        _("rejection reason"), max_length=20, choices=RejectionReason.choices, blank=True
    )
    reopen_count = models.PositiveIntegerField(_("times reopened"), default=0)
    repeat_count = models.PositiveIntegerField(_("times sent again by the customer"), default=0)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["status", "resolution_due_at"], name="complaint_status_due"),
            models.Index(fields=["department", "status"], name="complaint_dept_status"),
            models.Index(fields=["assignee", "status"], name="complaint_assignee_status"),
            models.Index(fields=["customer", "received_at"], name="complaint_customer_recv"),
            models.Index(fields=["-received_at", "-id"], name="complaint_recent"),
            # The at-risk queue of one department: a range scan, not the department's backlog.
            models.Index(fields=["department", "sla_warn_at"], name="complaint_dept_warn"),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_number} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ComplaintEventQuerySet(models.QuerySet["ComplaintEvent"]):
    # The timeline is an audit trail: bulk edits and deletes are refused in code.
    def update(self, **kwargs: Any) -> int:
        raise TypeError("complaint events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("complaint events are append-only")


class ComplaintEvent(models.Model):
    """One entry of a complaint's timeline: who did what, when, from what to what.

    Written in the same transaction as the change it records; never updated or deleted.
    """

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL
    )

    objects = ComplaintEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("complaint events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("complaint events are append-only")


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is random; the original name is kept in a field, never trusted as a path.
    return f"attachments/{timezone.now():%Y/%m}/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    """Evidence the customer or staff attached to a complaint (photos, bills, recordings)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class Escalation(models.Model):
    """A complaint escalated by hand to higher management (升级), and management's decision.

    Whoever handles the complaint raises it when the complaint is complex or special, the
    customer asks for a higher level or threatens, or the remedy needs more authority than
    they have (SPEC §4, §14). It goes to one person — a supervisor or complaints manager over
    the complaint's department, or an administrator — who decides it; the raiser may withdraw
    it while it waits. One waits per complaint at a time. The deadline sweep's automatic
    escalation (complaints/escalation.py) is recorded on the timeline only, not here.
    Written only by complaints/escalation_requests.py.
    """

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="escalations"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=EscalationReason.choices)
    explanation = models.TextField(_("explanation"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("escalated to"),
        on_delete=models.PROTECT,
        related_name="escalations_received",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EscalationStatus.choices,
        default=EscalationStatus.OPEN,
    )
    decision = models.CharField(
        _("decision"), max_length=20, choices=EscalationDecision.choices, blank=True
    )
    decision_note = models.TextField(_("management's decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # Who handles the complaint after a decision to take it over or reassign it.
    new_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_note = models.TextField(_("why it was withdrawn"), blank=True)
    # A decision to authorise a higher remedy sets the most the complaint's whole
    # compensation may come to; within it, the decider's authority stands in for that of
    # whoever acts for the complaint (remedies.services.authority_require_for_complaint).
    authorised_amount = models.DecimalField(
        _("compensation authorised up to"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    authorised_currency = models.CharField(
        _("currency of the authorised compensation"), max_length=3, blank=True
    )

    class Meta:
        ordering = ["raised_at", "id"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [
            # A ceiling comes with its currency, and only from a decision to authorise (one
            # recorded before ceilings existed has none).
            models.CheckConstraint(
                condition=models.Q(authorised_amount__isnull=True, authorised_currency="")
                | (
                    models.Q(decision="authorise", authorised_amount__gt=0)
                    & ~models.Q(authorised_currency="")
                ),
                name="escalation_ceiling_only_when_authorised",
            ),
            # Two people escalating at once: the second insert fails rather than both wait.
            models.UniqueConstraint(
                fields=["complaint"],
                condition=models.Q(status="open"),
                name="escalation_one_open_per_complaint",
            ),
        ]
        indexes = [
            # "Escalations waiting for me": a range scan of one person's open rows.
            models.Index(
                fields=["escalated_to", "status", "raised_at"], name="escalation_to_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.reason} {self.status}"
