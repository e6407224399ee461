from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from complaintdesk.complaints.choices import RejectionReason
from complaintdesk.surveys.choices import (
    Rating,
    ReviewStatus,
    SurveyConsequence,
    SurveyStatus,
    VisitKind,
    VisitStatus,
)

RATING_FIELDS = (
    "overall",
    "outcome_fairness",
    "procedural_fairness",
    "interactional_fairness",
    "handler_attitude",
)


def _rating(label: StrOrPromise) -> models.PositiveSmallIntegerField[int | None, int | None]:
    return models.PositiveSmallIntegerField(
        label,
        choices=Rating.choices,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )


class Survey(models.Model):
    """The satisfaction survey (满意度调查) sent when a complaint is resolved.

    One per resolution: `round` is the complaint's reopen count when the result was
    notified, so a complaint resolved again after a reopen gets a new survey. The customer
    answers once through a single-use link that expires; only hashes of the link's secrets
    are kept (the first invitation's and the reminder's). The answer measures the result,
    the three kinds of fairness the customer expects (SPEC §13), and the handler's attitude.
    """

    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="surveys",
    )
    round = models.PositiveIntegerField(
        _("resolution round"), default=0, help_text=_("Times reopened when it was sent.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=SurveyStatus.choices, default=SurveyStatus.SENT
    )
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    token_hash = models.CharField(max_length=64, unique=True)
    reminder_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("link expires"))
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    expired_at = models.DateTimeField(_("expired"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # Claimed by the closure sweep: the complaint was closed (or found not closable) once.
    closure_checked_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    overall = _rating(_("overall satisfaction"))
    outcome_fairness = _rating(_("outcome fairness"))
    procedural_fairness = _rating(_("procedural fairness"))
    interactional_fairness = _rating(_("interactional fairness"))
    handler_attitude = _rating(_("handler's attitude"))
    problem_solved = models.BooleanField(_("problem solved"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    consequence = models.CharField(
        _("consequence"),
        max_length=20,
        choices=SurveyConsequence.choices,
        default=SurveyConsequence.NONE,
        blank=True,
    )

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "round"], name="survey_one_per_resolution"
            ),
            models.CheckConstraint(
                condition=Q(status=SurveyStatus.ANSWERED)
                | Q(overall__isnull=True, answered_at__isnull=True),
                name="survey_answer_only_when_answered",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="survey_status_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id}#{self.round} {self.status}"

    @property
    def is_dissatisfied(self) -> bool:
        """Overall 1 or 2, or the customer says the problem is not solved."""
        return (self.overall is not None and self.overall <= Rating.DISSATISFIED) or (
            self.problem_solved is False
        )


class FollowUpVisit(models.Model):
    """A follow-up visit (回访) to a customer after their complaint was closed.

    Periodic visits are planned at configured offsets after closure (7 and 30 days by
    default); a dissatisfied survey answer on a complaint that could not be reopened plans
    one at once. The outcome says whether the customer was reached and whether the problem
    came back; if it did, the complaint is reopened.
    """

    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="follow_up_visits",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=VisitKind.choices)
    round = models.PositiveIntegerField(_("resolution round"), default=0)
    offset_days = models.PositiveIntegerField(_("days after closure"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    survey = models.ForeignKey(
        Survey,
        verbose_name=_("survey"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_up_visits",
    )
    reached = models.BooleanField(_("customer reached"), null=True, blank=True)
    problem_returned = models.BooleanField(_("problem came back"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        constraints = [
            # Closing twice in the same round never plans the same visit twice.
            models.UniqueConstraint(
                fields=["complaint", "round", "offset_days"],
                condition=Q(kind=VisitKind.SCHEDULED),
                name="visit_once_per_offset_and_round",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind} {self.due_at:%Y-%m-%d}"


class RejectionReview(models.Model):
    """A proposed rejection of a complaint and its review by a second manager.

    A rejection (invalid, malicious, duplicate) is proposed by one supervisor with its
    reason and explanation; it takes effect only when a different supervisor or an
    administrator confirms it by rejecting the complaint with the same reason. The reviewer
    may decline the proposal instead, and the proposer may withdraw it.
    """

    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="rejection_reviews",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=RejectionReason.choices)
    note = models.TextField(_("explanation"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.PROPOSED
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

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("rejection review")
        verbose_name_plural = _("rejection reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint"],
                condition=Q(status=ReviewStatus.PROPOSED),
                name="rejection_one_pending_review",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.reason} {self.status}"
