"""Words of responsibility determination (SPEC §6) and of handling plans and approval (§7)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ResponsibleParty(models.TextChoices):
    """Who is responsible for what the customer complained about."""

    COMPANY = "company", _("Company responsible")
    CUSTOMER = "customer", _("Customer responsible")
    SHARED = "shared", _("Shared responsibility")
    THIRD_PARTY = "third_party", _("Partner or third party responsible")
    MISUNDERSTANDING = "misunderstanding", _("Customer misunderstanding, no fault")


class ResponsibilityReason(models.TextChoices):
    """The sub-reason of a determination; each belongs to one party (REASONS_BY_PARTY)."""

    SERVICE_DEFECT = "service_defect", _("Service defect")
    STAFF_BROKE_RULES = "staff_broke_rules", _("Staff broke the service rules")
    COMPANY_FAILED_TO_INFORM = "company_failed_to_inform", _("Company failed to inform")
    MALICIOUS = "malicious", _("Malicious complaint with fabricated facts")
    AGAINST_AGREEMENT = "against_agreement", _("Use against the agreement")
    CUSTOMER_FAILED_TO_INFORM = "customer_failed_to_inform", _("Customer failed to inform")
    BOTH_AT_FAULT = "both_at_fault", _("Both parties at fault")
    BOTH_MADE_WORSE = "both_made_worse", _("Both parties made it worse")
    PARTNER = "partner", _("Partner or supplier at fault")
    OTHER_THIRD_PARTY = "other_third_party", _("Other third party at fault")
    EXPLAINED = "explained", _("No fault: explanation given")


REASONS_BY_PARTY: dict[str, frozenset[str]] = {
    ResponsibleParty.COMPANY: frozenset(
        {
            ResponsibilityReason.SERVICE_DEFECT,
            ResponsibilityReason.STAFF_BROKE_RULES,
            ResponsibilityReason.COMPANY_FAILED_TO_INFORM,
        }
    ),
    ResponsibleParty.CUSTOMER: frozenset(
        {
            ResponsibilityReason.MALICIOUS,
            ResponsibilityReason.AGAINST_AGREEMENT,
            ResponsibilityReason.CUSTOMER_FAILED_TO_INFORM,
        }
    ),
    ResponsibleParty.SHARED: frozenset(
        {ResponsibilityReason.BOTH_AT_FAULT, ResponsibilityReason.BOTH_MADE_WORSE}
    ),
    ResponsibleParty.THIRD_PARTY: frozenset(
        {ResponsibilityReason.PARTNER, ResponsibilityReason.OTHER_THIRD_PARTY}
    ),
    ResponsibleParty.MISUNDERSTANDING: frozenset({ResponsibilityReason.EXPLAINED}),
}

# Company fault requires an apology and a corrective or disciplinary record (SPEC §6).
COMPANY_AT_FAULT = frozenset({ResponsibleParty.COMPANY, ResponsibleParty.SHARED})


class DeterminationStatus(models.TextChoices):
    """Where a determination is in its flow: drafted, reviewed, told, final."""

    DRAFT = "draft", _("Draft (sent back for revision)")
    IN_REVIEW = "in_review", _("Proposed, in internal review")
    REVIEWED = "reviewed", _("Reviewed")
    COMMUNICATED = "communicated", _("Communicated to the customer")
    FINAL = "final", _("Final")


class CustomerResponse(models.TextChoices):
    ACCEPTS = "accepts", _("Customer accepts")
    DISPUTES = "disputes", _("Customer disputes")
    NO_ANSWER = "no_answer", _("No answer from the customer")


class AccountableKind(models.TextChoices):
    DEPARTMENT = "department", _("Department")
    STAFF = "staff", _("Staff member")
    CUSTOMER = "customer", _("Customer")
    THIRD_PARTY = "third_party", _("Partner or third party")


class AccountabilityMeasure(models.TextChoices):
    APOLOGY = "apology", _("Apology to the customer")
    CORRECTIVE = "corrective", _("Corrective record")
    DISCIPLINARY = "disciplinary", _("Disciplinary record")
    TRAINING = "training", _("Training")
    EXPLANATION = "explanation", _("Explanation to the customer")
    CLAIM = "claim", _("Claim against the third party")


RECORD_MEASURES = frozenset({AccountabilityMeasure.CORRECTIVE, AccountabilityMeasure.DISCIPLINARY})


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Sent back")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# A plan its author or a supervisor may still take back: nobody has approved it yet and no
# approval is pending (a submitted plan is decided by its chain).
WITHDRAWABLE_PLAN_STATUSES = frozenset({PlanStatus.DRAFT, PlanStatus.REJECTED})


class AuthorityLevel(models.IntegerChoices):
    """How far a person may commit the company; higher levels include the lower ones."""

    NONE = 0, _("No approval authority")
    SUPERVISOR = 1, _("Supervisor")
    MANAGER = 2, _("Manager")


class Decision(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Sent back")
