"""Compensation items, the policy library that justifies them, the monthly budgets they are
charged to, the customer's consent, fulfilment, and care actions (SPEC §10)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaintdesk.handling.models import currency_code
from complaintdesk.remedies.choices import (
    CareEffect,
    CareKind,
    CareStatus,
    CompensationForm,
    ConfirmationMethod,
    ConsentDecision,
    ConsentMethod,
    ItemStatus,
    PolicyKind,
)


class PolicyClause(models.Model):
    """A clause of the compensation policy library (tariff, return/exchange, warranty,
    manufacturer, goodwill) that an item cites to justify its form and amount."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=PolicyKind.choices)
    text = models.TextField(_("clause text"))
    max_amount = models.DecimalField(
        _("maximum per item"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("The most one item may be worth under this clause; blank: no maximum."),
        max_digits=12,
        decimal_places=2,
    )
    currency = models.CharField(
        _("currency"), max_length=3, default="CNY", validators=[currency_code]
    )
    # A warranty clause justifies a repair or a replacement, not cash: the forms an item
    # under this clause may take (CompensationForm values); empty, any form.
    allowed_forms = models.JSONField(
        _("allowed forms"),
        default=list,
        blank=True,
        help_text=_("The forms of compensation this clause justifies; none chosen: any form."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("policy clause")
        verbose_name_plural = _("policy clauses")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def clean(self) -> None:
        forms = self.allowed_forms
        if not isinstance(forms, list) or any(f not in CompensationForm.values for f in forms):
            raise ValidationError(
                {
                    "allowed_forms": _("Allowed forms must be a list of: %(known)s.")
                    % {"known": ", ".join(CompensationForm.values)}
                }
            )

    def allows(self, form: str) -> bool:
        return not self.allowed_forms or form in self.allowed_forms


class CompensationBudget(models.Model):
    """A department's compensation budget for one calendar month in one currency.

    `committed` is the sum of the approved items charged to it; approvals lock the row
    so two of them at once cannot both overdraw it.
    """

    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="compensation_budgets",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    currency = models.CharField(
        _("currency"), max_length=3, default="CNY", validators=[currency_code]
    )
    amount = models.DecimalField(
        _("budget"), validators=[MinValueValidator(Decimal(0))], max_digits=12, decimal_places=2
    )
    committed = models.DecimalField(
        _("committed"), default=Decimal(0), max_digits=12, decimal_places=2
    )

    class Meta:
        ordering = ["-month", "department__name"]
        verbose_name = _("compensation budget")
        verbose_name_plural = _("compensation budgets")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "month", "currency"], name="budget_unique_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.month:%Y-%m} {self.amount} {self.currency}"

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.committed

    def clean(self) -> None:
        # Approvals look a budget up by the first day of the month; any other day is lost.
        if self.month is not None and self.month.day != 1:
            raise ValidationError(
                {"month": _("A budget is for a whole month; store it under the first day.")}
            )


class CompensationOffer(models.Model):
    """Compensation offered to the customer together, with the customer's answer.

    The customer answers once, through the single-use link in the notice (only the
    token's hash is stored) or to an agent who records how the consent was obtained.
    """

    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="compensation_offers",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("link expires"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(
        _("decision"), max_length=20, choices=ConsentDecision.choices, blank=True
    )
    method = models.CharField(
        _("how consent was obtained"), max_length=20, choices=ConsentMethod.choices, blank=True
    )
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("compensation offer")
        verbose_name_plural = _("compensation offers")

    def __str__(self) -> str:
        return f"{self.complaint_id} offer {self.pk}"


class CompensationItem(models.Model):
    """One compensation given for a complaint: its form, amount, the loss assessed and
    the policy clause that justifies it, from proposal through consent to confirmed
    fulfilment. Its amount is charged to its department's budget of the month it is
    approved in."""

    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="compensation_items",
    )
    plan = models.ForeignKey(
        "handling.HandlingPlan",
        verbose_name=_("handling plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="compensation_items",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("charged to department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    form = models.CharField(_("form"), max_length=20, choices=CompensationForm.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=20, blank=True, help_text=_("e.g. GB, points"))
    amount = models.DecimalField(
        _("value"), validators=[MinValueValidator(Decimal(0))], max_digits=12, decimal_places=2
    )
    currency = models.CharField(
        _("currency"), max_length=3, default="CNY", validators=[currency_code]
    )
    assessed_loss = models.DecimalField(
        _("assessed loss"), null=True, blank=True, max_digits=12, decimal_places=2
    )
    policy_clause = models.ForeignKey(
        PolicyClause,
        verbose_name=_("policy clause"),
        on_delete=models.PROTECT,
        related_name="items",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.PROPOSED
    )
    budget = models.ForeignKey(
        CompensationBudget,
        verbose_name=_("budget"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )
    offer = models.ForeignKey(
        CompensationOffer,
        verbose_name=_("offer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True, db_index=True)
    fulfilled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("fulfilled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    fulfilled_at = models.DateTimeField(_("fulfilled"), null=True, blank=True)
    fulfilment_reference = models.CharField(_("fulfilment reference"), max_length=200, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmation_method = models.CharField(
        _("how it was confirmed"), max_length=20, choices=ConfirmationMethod.choices, blank=True
    )
    effect_note = models.TextField(_("effect and problems in carrying it out"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("compensation item")
        verbose_name_plural = _("compensation items")

    def __str__(self) -> str:
        return f"{self.get_form_display()} {self.amount} {self.currency}"


class CareAction(models.Model):
    """A care action for the customer (call, visit, SMS, web reply), scheduled and then
    recorded with its outcome and effect."""

    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="care_actions",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CareKind.choices)
    purpose = models.TextField(_("purpose"))
    scheduled_for = models.DateTimeField(_("scheduled for"), db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("carried out by"),
        on_delete=models.PROTECT,
        related_name="care_actions",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CareStatus.choices, default=CareStatus.SCHEDULED
    )
    outcome = models.TextField(_("outcome"), blank=True)
    effect = models.CharField(_("effect"), max_length=20, choices=CareEffect.choices, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["scheduled_for", "id"]
        verbose_name = _("care action")
        verbose_name_plural = _("care actions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.scheduled_for:%Y-%m-%d}"
