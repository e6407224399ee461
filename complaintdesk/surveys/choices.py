from django.db import models
from django.utils.translation import gettext_lazy as _


class SurveyStatus(models.TextChoices):
    """Where a satisfaction survey is: the non-response figures count these."""

    SENT = "sent", _("Sent, not answered")
    REMINDED = "reminded", _("Reminded, not answered")
    ANSWERED = "answered", _("Answered")
    EXPIRED = "expired", _("Expired without an answer")
    WITHDRAWN = "withdrawn", _("Withdrawn: the complaint was reopened")


# A survey in these statuses can still be answered (if its link has not expired).
OPEN_SURVEY_STATUSES = frozenset({SurveyStatus.SENT, SurveyStatus.REMINDED})
UNANSWERED_SURVEY_STATUSES = OPEN_SURVEY_STATUSES | {SurveyStatus.EXPIRED}


class Rating(models.IntegerChoices):
    """A 1–5 answer: 1 is the worst, 5 the best."""

    VERY_DISSATISFIED = 1, _("Very dissatisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    NEUTRAL = 3, _("Neither satisfied nor dissatisfied")
    SATISFIED = 4, _("Satisfied")
    VERY_SATISFIED = 5, _("Very satisfied")


class SurveyConsequence(models.TextChoices):
    """What an answer led to."""

    NONE = "", _("Nothing further")
    REOPENED = "reopened", _("The complaint was reopened")
    FOLLOW_UP_TASK = "follow_up_task", _("A follow-up task was created")


class VisitKind(models.TextChoices):
    """Why a follow-up visit exists."""

    SCHEDULED = "scheduled", _("Periodic visit after closure")
    SURVEY = "survey", _("Dissatisfied survey answer")


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class ReviewStatus(models.TextChoices):
    """A proposed rejection waits for a second person's review."""

    PROPOSED = "proposed", _("Proposed, waiting for review")
    CONFIRMED = "confirmed", _("Confirmed: the complaint was rejected")
    DECLINED = "declined", _("Declined by the reviewer")
    WITHDRAWN = "withdrawn", _("Withdrawn by the proposer")
