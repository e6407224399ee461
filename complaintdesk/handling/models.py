"""Responsibility determinations with their accountability and rectification, and handling
plans with their approval chain and execution steps (SPEC §6, §7)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaintdesk.accounts.choices import Role
from complaintdesk.accounts.permissions import role_of
from complaintdesk.handling.choices import (
    AccountabilityMeasure,
    AccountableKind,
    ActionStatus,
    AuthorityLevel,
    CustomerResponse,
    Decision,
    DeterminationStatus,
    PlanStatus,
    ResponsibilityReason,
    ResponsibleParty,
)

currency_code = RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO 4217 code, e.g. CNY."))


class Determination(models.Model):
    """A responsibility determination (责任认定) for one complaint.

    The handler investigates (notes and evidence already on the complaint are referenced,
    not copied), proposes who is responsible and why, a different person reviews it, the
    result is communicated to the customer, and it becomes final. A complaint has at most
    one determination that is not final.
    """

    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="determinations",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DeterminationStatus.choices,
        default=DeterminationStatus.IN_REVIEW,
    )
    party = models.CharField(
        _("responsible party"), max_length=20, choices=ResponsibleParty.choices
    )
    reason = models.CharField(_("reason"), max_length=40, choices=ResponsibilityReason.choices)
    facts = models.TextField(_("established facts"))
    outlet = models.CharField(_("outlet or site involved"), max_length=200, blank=True)
    staff_involved = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("staff involved"), blank=True, related_name="+"
    )
    evidence_notes = models.ManyToManyField(
        "complaints.ComplaintEvent",
        verbose_name=_("investigation notes"),
        blank=True,
        related_name="+",
    )
    evidence_attachments = models.ManyToManyField(
        "complaints.Attachment", verbose_name=_("evidence"), blank=True, related_name="+"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    apologised = models.BooleanField(_("apology given to the customer"), default=False)
    customer_communication = models.TextField(_("what the customer was told"), blank=True)
    customer_response = models.CharField(
        _("customer's response"), max_length=20, choices=CustomerResponse.choices, blank=True
    )
    communicated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("communicated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    communicated_at = models.DateTimeField(_("communicated"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("finalised by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    finalised_at = models.DateTimeField(_("final since"), null=True, blank=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("responsibility determination")
        verbose_name_plural = _("responsibility determinations")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.party}/{self.reason}"


class AccountabilityItem(models.Model):
    """Who is held to account under a determination, and how (apology, record, training…).

    Records on staff members feed their evaluation (SPEC §9).
    """

    determination = models.ForeignKey(
        Determination, on_delete=models.CASCADE, related_name="accountability_items"
    )
    kind = models.CharField(_("accountable"), max_length=20, choices=AccountableKind.choices)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accountability_items",
    )
    party_name = models.CharField(_("partner or third party"), max_length=200, blank=True)
    measure = models.CharField(_("measure"), max_length=20, choices=AccountabilityMeasure.choices)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("accountability item")
        verbose_name_plural = _("accountability items")

    def __str__(self) -> str:
        return f"{self.kind} {self.measure}"


class RectificationAction(models.Model):
    """A corrective measure decided from a determination, owned by someone until done."""

    determination = models.ForeignKey(
        Determination, on_delete=models.CASCADE, related_name="rectification_actions"
    )
    description = models.TextField(_("description"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="rectification_actions",
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    progress_note = models.TextField(_("progress"), blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("rectification action")
        verbose_name_plural = _("rectification actions")

    def __str__(self) -> str:
        return self.description[:60]


class HandlingPlan(models.Model):
    """One version of a complaint's handling plan (处理方案).

    It holds the measures, the deadline, who is responsible, who collaborates and how, the
    risks and countermeasures, and the scope agreed with the customer. A plan sent back is
    revised as a new version that goes through approval again; earlier versions are kept.
    A draft or a plan sent back may be withdrawn with a reason; it then binds nobody.
    """

    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="handling_plans",
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("previous version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_version",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    measures = models.TextField(_("measures"))
    deadline = models.DateTimeField(_("deadline"))
    responsible_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    collaborating_departments = models.ManyToManyField(
        "accounts.Department",
        verbose_name=_("collaborating departments"),
        blank=True,
        related_name="+",
    )
    coordination = models.TextField(_("how to coordinate"), blank=True)
    risks = models.TextField(_("risks and countermeasures"), blank=True)
    agreed_scope = models.TextField(_("service scope agreed with the customer"), blank=True)
    problem_spread = models.TextField(_("how widespread the problem is"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    rejection_reason = models.TextField(_("why it was sent back"), blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("why it was withdrawn"), blank=True)

    class Meta:
        ordering = ["complaint_id", "version"]
        verbose_name = _("handling plan")
        verbose_name_plural = _("handling plans")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "version"], name="handling_plan_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} v{self.version}"


class AuthorityRule(models.Model):
    """A line of the authority matrix: when a plan needs approval at which level.

    A rule applies when its conditions hold — the complaint's nature (blank: any) and the
    plan's compensation in the rule's currency above the threshold (blank: any amount).
    The plan's approval chain has one step per level the applying rules require, lowest
    first; a plan no rule covers still needs a supervisor, because every plan is approved.
    """

    name = models.CharField(_("name"), max_length=120)
    nature_key = models.CharField(
        _("nature"), max_length=60, blank=True, help_text=_("Nature key, e.g. major; blank: any.")
    )
    compensation_above = models.DecimalField(
        _("compensation above"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Applies when the plan's compensation exceeds this; blank: any amount."),
    )
    currency = models.CharField(
        _("currency"), max_length=3, default="CNY", validators=[currency_code]
    )
    required_level = models.PositiveSmallIntegerField(
        _("required approval level"),
        choices=AuthorityLevel.choices,
        default=AuthorityLevel.SUPERVISOR,
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["required_level", "compensation_above", "id"]
        verbose_name = _("authority rule")
        verbose_name_plural = _("authority rules")

    def __str__(self) -> str:
        return self.name


class ApprovalAuthority(models.Model):
    """A staff member's approval authority: their level and the most they may commit.

    Without a row, supervisors have supervisor authority and administrators manager
    authority, both without an amount limit; agents and handlers have none.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="approval_authority",
    )
    level = models.PositiveSmallIntegerField(
        _("level"), choices=AuthorityLevel.choices, default=AuthorityLevel.SUPERVISOR
    )
    limit = models.DecimalField(
        _("approval limit"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("The most compensation this person may approve; blank: no limit."),
    )
    currency = models.CharField(
        _("currency"), max_length=3, default="CNY", validators=[currency_code]
    )

    class Meta:
        verbose_name = _("approval authority")
        verbose_name_plural = _("approval authorities")

    def __str__(self) -> str:
        return f"{self.user} {self.get_level_display()}"

    def clean(self) -> None:
        if self.user_id is not None and role_of(self.user) not in {Role.SUPERVISOR, Role.ADMIN}:
            raise ValidationError(
                {"user": _("Only supervisors and administrators may hold approval authority.")}
            )


class ApprovalStep(models.Model):
    """One step of a plan's approval chain: the level it needs, who decided and how."""

    plan = models.ForeignKey(HandlingPlan, on_delete=models.CASCADE, related_name="approval_steps")
    position = models.PositiveSmallIntegerField(_("position"))
    level = models.PositiveSmallIntegerField(_("level"), choices=AuthorityLevel.choices)
    reasons = models.JSONField(_("why this step is needed"), default=list, blank=True)
    decision = models.CharField(
        _("decision"), max_length=20, choices=Decision.choices, default=Decision.PENDING
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approver"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["plan_id", "position"]
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="approval_step_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan} #{self.position} {self.decision}"


class ExecutionStep(models.Model):
    """A milestone of the plan, checked off during execution with a progress note."""

    plan = models.ForeignKey(HandlingPlan, on_delete=models.CASCADE, related_name="execution_steps")
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("step"), max_length=300)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    progress_note = models.TextField(_("progress note"), blank=True)
    sent_to_customer = models.BooleanField(_("progress sent to the customer"), default=False)

    class Meta:
        ordering = ["plan_id", "position"]
        verbose_name = _("execution step")
        verbose_name_plural = _("execution steps")
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="execution_step_unique")
        ]

    def __str__(self) -> str:
        return self.title
