"""Compensation (SPEC §10): propose items under a policy clause, approve them within the
actor's authority and the month's budget, fulfil and confirm them. The customer's consent
is in consent.py, care actions in care.py.

Authority is judged on the complaint's whole compensation (every item not withdrawn or
declined, converted to the rule's or the limit's currency), so splitting it into small
items, or giving it in another currency, does not get round an approval limit.

Management may lend its authority on one complaint: a decision to authorise a higher remedy
on an escalation (complaints/escalation_requests.py) sets a ceiling for the complaint's whole
compensation, and within it the decider's level and limit stand in for those of whoever acts
for the complaint (`authority_require_for_complaint`). Above the ceiling the usual rules apply.

Budgets are charged at approval under a row lock (`select_for_update`), so two approvals
at once queue on the budget row and the second sees what the first committed.

Free text (reasons, notes) is held to the one cap of text written on a complaint
(core.limits.TEXT_MAX); short fields to their column's length.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaintdesk.accounts.choices import Role
from complaintdesk.accounts.models import Department, User
from complaintdesk.accounts.permissions import acts_for_complaint, role_of
from complaintdesk.complaints.choices import FINISHED_STATUSES, EventKind, Visibility
from complaintdesk.complaints.errors import Conflict, InvalidInput, NotAllowed
from complaintdesk.complaints.escalation_requests import escalation_authorisation
from complaintdesk.complaints.events import event_record
from complaintdesk.complaints.models import Complaint, Escalation
from complaintdesk.core import clock
from complaintdesk.core.limits import TEXT_MAX
from complaintdesk.handling.authority import authority_require, required_levels
from complaintdesk.handling.choices import AuthorityLevel, PlanStatus
from complaintdesk.handling.models import HandlingPlan
from complaintdesk.remedies.choices import (
    CompensationForm,
    ConfirmationMethod,
    ItemStatus,
)
from complaintdesk.remedies.currency import convert, money, rate_of, total_in
from complaintdesk.remedies.models import (
    CompensationBudget,
    CompensationItem,
    PolicyClause,
)

ACTING = frozenset({Role.AGENT, Role.HANDLER, Role.SUPERVISOR, Role.ADMIN})
# Short fields are held to their column's length, free text to TEXT_MAX.
DESCRIPTION_LENGTH = CompensationItem._meta.get_field("description").max_length or 300
UNIT_LENGTH = CompensationItem._meta.get_field("unit").max_length or 20
REFERENCE_LENGTH = CompensationItem._meta.get_field("fulfilment_reference").max_length or 200


def require_actor(actor: User, complaint: Complaint) -> None:
    if role_of(actor) not in ACTING:
        raise NotAllowed(_("Your role may not handle compensation or care."))
    if role_of(actor) == Role.HANDLER and complaint.department_id != actor.department_id:
        raise NotAllowed(_("This complaint is handled by another department."))


def record_event(
    complaint: Complaint,
    actor: User | None,
    kind: str,
    step: str,
    note: str = "",
    visibility: str = Visibility.INTERNAL,
    **after: Any,
) -> None:
    event_record(
        complaint=complaint,
        actor=actor,
        kind=kind,
        after={"step": step, **after},
        note=note,
        visibility=visibility,
    )


def item_summary(item: CompensationItem) -> dict[str, Any]:
    return {
        "item": item.pk,
        "form": item.form,
        "amount": str(item.amount),
        "currency": item.currency,
    }


def _month_of(moment: datetime) -> date:
    return timezone.localdate(moment).replace(day=1)


def text_within(text: str, *, field: str, limit: int = TEXT_MAX) -> str:
    """The text without surrounding blanks, refused when longer than `limit`: the one cap of
    free text written on a complaint, or a short field's column length."""
    text = (text or "").strip()
    if len(text) > limit:
        raise InvalidInput(
            _("This text is longer than %(max)d characters.") % {"max": limit}, field=field
        )
    return text


# Compensation items ---------------------------------------------------------------------


def _clean_amount(
    *, form: str, amount: Decimal, currency: str, policy_clause: PolicyClause
) -> tuple[Decimal, str]:
    """The amount to the cent and the currency code, within what the clause allows."""
    if form not in CompensationForm.values:
        raise InvalidInput(
            _("Unknown compensation form %(form)s; use one of: %(known)s.")
            % {"form": form, "known": ", ".join(CompensationForm.values)},
            field="form",
        )
    try:
        amount = Decimal(amount).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise InvalidInput(_("The amount is not a number."), field="amount") from exc
    if amount <= 0:
        # Something given for nothing is no compensation; a gesture without a value is care.
        raise InvalidInput(
            _("The amount must be more than zero; give the value of what the customer gets."),
            field="amount",
        )
    currency = (currency or "").upper()
    if len(currency) != 3 or not currency.isalpha():
        raise InvalidInput(_("Use a three-letter ISO 4217 currency code."), field="currency")
    rate_of(currency)  # refused now if it could never be weighed against a limit
    if not policy_clause.is_active:
        raise InvalidInput(
            _("Policy clause %(code)s is no longer in force.") % {"code": policy_clause.code},
            field="policy_clause",
        )
    if not policy_clause.allows(form):
        raise InvalidInput(
            _("Policy clause %(code)s justifies %(allowed)s, not %(form)s.")
            % {
                "code": policy_clause.code,
                "allowed": ", ".join(
                    str(CompensationForm(f).label) for f in policy_clause.allowed_forms
                ),
                "form": CompensationForm(form).label,
            },
            field="form",
        )
    if (
        policy_clause.max_amount is not None
        and convert(amount, currency, policy_clause.currency) > policy_clause.max_amount
    ):
        raise InvalidInput(
            _("Policy clause %(code)s allows at most %(max)s per item.")
            % {
                "code": policy_clause.code,
                "max": money(policy_clause.max_amount, policy_clause.currency),
            },
            field="amount",
        )
    return amount, currency


def compensation_propose(
    *,
    complaint: Complaint,
    actor: User,
    form: str,
    amount: Decimal,
    policy_clause: PolicyClause,
    currency: str = "CNY",
    assessed_loss: Decimal | None = None,
    description: str = "",
    quantity: Decimal | None = None,
    unit: str = "",
    plan: HandlingPlan | None = None,
    department: Department | None = None,
) -> CompensationItem:
    """Propose one compensation item, justified by a policy clause, alone or in a draft plan."""
    require_actor(actor, complaint)
    amount, currency = _clean_amount(
        form=form, amount=amount, currency=currency, policy_clause=policy_clause
    )
    description = text_within(description, field="description", limit=DESCRIPTION_LENGTH)
    unit = text_within(unit, field="unit", limit=UNIT_LENGTH)
    if assessed_loss is not None and assessed_loss < 0:
        raise InvalidInput(_("The assessed loss cannot be negative."), field="assessed_loss")
    if quantity is not None and quantity <= 0:
        # "-3 GB of data" gives the customer nothing; leave the quantity out if it has none.
        raise InvalidInput(
            _("The quantity must be more than zero, or left out when it does not apply."),
            field="quantity",
        )
    charged_to = department or complaint.department
    if charged_to is None:
        raise InvalidInput(
            _("Route the complaint to a department, or name the department to charge."),
            field="department",
        )
    with transaction.atomic():
        locked = Complaint.objects.select_for_update(of=("self",)).get(pk=complaint.pk)
        if locked.status in FINISHED_STATUSES:
            raise Conflict(_("A finished complaint gets no new compensation; reopen it first."))
        if plan is not None:
            plan = HandlingPlan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
            if plan.complaint_id != locked.pk:
                raise InvalidInput(_("That plan belongs to another complaint."), field="plan")
            if plan.status != PlanStatus.DRAFT:
                raise Conflict(_("Compensation is added to a plan while it is a draft."))
        item = CompensationItem.objects.create(
            complaint=locked,
            plan=plan,
            department=charged_to,
            form=form,
            description=description,
            quantity=quantity,
            unit=unit,
            amount=amount,
            currency=currency,
            assessed_loss=assessed_loss,
            policy_clause=policy_clause,
            proposed_by=actor,
            created_at=clock.now(),
        )
        record_event(
            locked,
            actor,
            EventKind.COMPENSATION,
            "proposed",
            item.description,
            clause=policy_clause.code,
            plan=plan.pk if plan else None,
            **item_summary(item),
        )
    return item


def _charge(
    item: CompensationItem, budgets: dict[tuple[int, date, str], CompensationBudget], now: datetime
) -> None:
    """Charge the item to its budget (already locked in `budgets`), or refuse clearly."""
    if item.amount == 0:
        return
    month = _month_of(now)
    budget = budgets.get((item.department_id, month, item.currency))
    if budget is None:
        raise Conflict(
            _(
                "There is no %(currency)s compensation budget for %(department)s in "
                "%(month)s; an administrator must set one first."
            )
            % {
                "currency": item.currency,
                "department": item.department,
                "month": f"{month:%Y-%m}",
            }
        )
    if budget.committed + item.amount > budget.amount:
        raise Conflict(
            _(
                "The compensation budget of %(department)s for %(month)s would be overdrawn: "
                "%(remaining)s left, %(amount)s asked."
            )
            % {
                "department": item.department,
                "month": f"{month:%Y-%m}",
                "remaining": money(budget.remaining, budget.currency),
                "amount": money(item.amount, item.currency),
            }
        )
    budget.committed += item.amount
    item.budget = budget


def _lock_budgets(
    items: list[CompensationItem], now: datetime
) -> dict[tuple[int, date, str], CompensationBudget]:
    month = _month_of(now)
    keys = sorted({(i.department_id, i.currency) for i in items if i.amount})
    budgets: dict[tuple[int, date, str], CompensationBudget] = {}
    # One row at a time in a fixed order, so two approvals never wait on each other crosswise.
    for department_id, currency in keys:
        budget = (
            CompensationBudget.objects.select_for_update(of=("self",))
            .filter(department_id=department_id, month=month, currency=currency)
            .first()
        )
        if budget is not None:
            budgets[(department_id, month, currency)] = budget
    return budgets


def _approve_locked(
    items: list[CompensationItem],
    actor: User,
    now: datetime,
    authorisation: Escalation | None = None,
) -> None:
    budgets = _lock_budgets(items, now)
    for item in items:
        _charge(item, budgets, now)
    for budget in budgets.values():
        budget.save(update_fields=["committed"])
    for item in items:
        item.status, item.approved_by, item.approved_at = ItemStatus.APPROVED, actor, now
        item.save(update_fields=["status", "approved_by", "approved_at", "budget"])
        # Approved on management's authority: the escalation that lent it, for the audit.
        lent: dict[str, Any] = (
            {"authorised_by_escalation": authorisation.pk} if authorisation else {}
        )
        record_event(
            item.complaint,
            actor,
            EventKind.COMPENSATION,
            "approved",
            budget=item.budget_id,
            **lent,
            **item_summary(item),
        )


# Items that no longer count towards what the complaint's customer gets.
NOT_GIVEN = (ItemStatus.CANCELLED, ItemStatus.DECLINED)


def compensation_totals(*, complaint: Complaint) -> dict[str, Decimal]:
    """The complaint's compensation per currency: every item, proposed or already given,
    except those withdrawn or declined. Authority is judged on this whole."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    items = CompensationItem.objects.filter(complaint=complaint).exclude(status__in=NOT_GIVEN)
    for currency, amount in items.values_list("currency", "amount"):
        totals[currency] += amount
    return dict(totals)


def _levels_asked(complaint: Complaint, amounts: Mapping[str, Decimal]) -> int:
    """The highest level the authority rules ask for this compensation on this complaint.

    Only the rules: the "every plan needs a supervisor" default is about plans, not about
    goodwill within an agent's own authority.
    """
    steps = required_levels(complaint=complaint, amounts=amounts)
    return max([AuthorityLevel.NONE, *(s.level for s in steps)])


def _lent_authority_covers(
    authorisation: Escalation,
    *,
    level: int,
    amounts: Mapping[str, Decimal],
    what: str,
) -> bool:
    """Whether the authority management lent on the complaint covers this commitment: the
    whole compensation within the ceiling, and the authoriser still holding that authority
    (lowered since, it lends no more than they hold now)."""
    ceiling = authorisation.authorised_amount
    authoriser = authorisation.decided_by
    if ceiling is None or authoriser is None:
        return False
    if total_in(amounts, authorisation.authorised_currency) > ceiling:
        return False
    try:
        authority_require(user=authoriser, level=level, amounts=amounts, what=what)
    except NotAllowed:
        return False
    return True


def authority_require_for_complaint(
    *,
    complaint: Complaint,
    actor: User,
    level: int,
    amounts: Mapping[str, Decimal],
    what: str,
) -> Escalation | None:
    """Refuse unless the actor's authority covers `level` and the complaint's compensation
    `amounts` (handling.authority.authority_require), or, for whoever acts for the complaint,
    the authority management lent on it: after a decision to authorise a higher remedy, the
    authoriser's level and limit stand in for the actor's while the complaint's whole
    compensation stays within the ceiling they set.

    Returns the escalation whose authority was used, or None when the actor's own sufficed.
    """
    try:
        authority_require(user=actor, level=level, amounts=amounts, what=what)
    except NotAllowed as refused:
        authorisation = escalation_authorisation(complaint=complaint)
        if authorisation is None or not acts_for_complaint(actor, complaint):
            raise
        if _lent_authority_covers(authorisation, level=level, amounts=amounts, what=what):
            return authorisation
        ceiling = authorisation.authorised_amount
        currency = authorisation.authorised_currency
        if ceiling is not None and total_in(amounts, currency) > ceiling:
            raise NotAllowed(
                _(
                    "%(refusal)s Management authorised compensation up to %(ceiling)s in all "
                    "on this complaint, and this goes beyond it."
                )
                % {"refusal": refused.message, "ceiling": money(ceiling, currency)}
            ) from refused
        raise
    return None


def compensation_authority_require(
    *, complaint: Complaint, actor: User, level: int = AuthorityLevel.NONE
) -> Escalation | None:
    """Refuse unless the actor's authority, or the authority management lent on the
    complaint, covers the complaint's whole compensation: the level the authority rules ask
    for it (at least `level`) and the amount limit. Returns the escalation whose authority
    was used, if any."""
    amounts = compensation_totals(complaint=complaint)
    needed = max(level, _levels_asked(complaint, amounts))
    return authority_require_for_complaint(
        complaint=complaint,
        actor=actor,
        level=needed,
        amounts=amounts,
        what=_("This compensation"),
    )


def compensation_ceiling_require(
    *, complaint: Complaint, actor: User, amount: Decimal, currency: str
) -> tuple[Decimal, str]:
    """The ceiling management authorises on an escalation of the complaint, to the cent and
    with its currency code: refused unless the decider could approve that much compensation
    on this complaint themselves (complaints.escalation_requests.escalation_decide)."""
    try:
        amount = Decimal(amount).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise InvalidInput(_("The amount is not a number."), field="amount") from exc
    if not amount.is_finite() or amount <= 0:
        raise InvalidInput(
            _(
                "Give the ceiling as an amount more than zero: the most the complaint's whole "
                "compensation may come to."
            ),
            field="amount",
        )
    try:
        Escalation._meta.get_field("authorised_amount").run_validators(amount)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field="amount") from exc
    currency = (currency or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise InvalidInput(_("Use a three-letter ISO 4217 currency code."), field="currency")
    rate_of(currency)
    amounts = {currency: amount}
    try:
        authority_require(
            user=actor,
            level=_levels_asked(complaint, amounts),
            amounts=amounts,
            what=_("A ceiling of %(ceiling)s") % {"ceiling": money(amount, currency)},
        )
    except NotAllowed as refused:
        raise NotAllowed(
            _("You may authorise only as much as you could approve yourself. %(refusal)s")
            % {"refusal": refused.message},
            field="amount",
        ) from refused
    return amount, currency


def compensation_approve(*, item: CompensationItem, actor: User) -> CompensationItem:
    """Approve an item outside a plan, within the actor's authority over the complaint's
    whole compensation and the month's budget.

    An item in a plan is approved with the plan (handling.plans.plan_approve).
    """
    with transaction.atomic():
        # The complaint first, as proposing and offering do: two approvals on one
        # complaint queue here, so each sees the other's item in the total.
        complaint = Complaint.objects.select_for_update(of=("self",)).get(
            pk=CompensationItem.objects.values_list("complaint_id", flat=True).get(pk=item.pk)
        )
        locked = (
            CompensationItem.objects.select_for_update(of=("self",))
            .select_related("complaint__nature", "department")
            .get(pk=item.pk)
        )
        require_actor(actor, locked.complaint)
        if locked.plan_id is not None:
            raise Conflict(_("This item is part of a handling plan; it is approved with the plan."))
        if locked.status != ItemStatus.PROPOSED:
            raise Conflict(_("Only a proposed item can be approved."))
        authorisation = compensation_authority_require(complaint=complaint, actor=actor)
        _approve_locked([locked], actor, clock.now(), authorisation)
    return locked


def compensation_commit_for_plan(*, plan: HandlingPlan, actor: User) -> list[CompensationItem]:
    """Approve a plan's proposed items and charge them to the budgets; all or none.

    Called by plan_approve inside its transaction, after the approver's authority over the
    plan passed; the final approver's authority must also cover the complaint's whole
    compensation (other items given outside the plan count too), or the authority
    management lent on the complaint must.
    """
    items = list(
        plan.compensation_items.select_for_update(of=("self",))
        .select_related("complaint", "department")
        .filter(status=ItemStatus.PROPOSED)
        .order_by("pk")
    )
    authorisation = (
        compensation_authority_require(complaint=plan.complaint, actor=actor) if items else None
    )
    _approve_locked(items, actor, clock.now(), authorisation)
    return items


# Budgets --------------------------------------------------------------------------------

MONTH = re.compile(r"(\d{4})-(\d{2})")


def budget_month(value: str | date) -> date:
    """The budget month written as YYYY-MM (e.g. 2026-11), as the first day of that month;
    any other shape is refused, so no budget is stored under a day no approval looks up."""
    if isinstance(value, date):
        return value.replace(day=1)
    text = (value or "").strip()
    match = MONTH.fullmatch(text)
    if match is None or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
        raise InvalidInput(
            _("Write the month as YYYY-MM, for example 2026-11; %(value)s is not a month.")
            % {"value": text or '""'},
            field="month",
        )
    return date(int(match.group(1)), int(match.group(2)), 1)


def budget_set(
    *,
    department: Department,
    month: str | date,
    amount: Decimal,
    actor: User,
    currency: str = "CNY",
) -> CompensationBudget:
    """Set a department's compensation budget for a month (YYYY-MM), creating it or changing
    its amount; never below what approvals already committed to it."""
    if role_of(actor) != Role.ADMIN:
        raise NotAllowed(_("Only an administrator sets compensation budgets."))
    first_day = budget_month(month)
    try:
        amount = Decimal(amount).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError) as exc:
        raise InvalidInput(_("The amount is not a number."), field="amount") from exc
    if amount < 0:
        raise InvalidInput(_("A budget cannot be negative."), field="amount")
    currency = (currency or "").upper()
    rate_of(currency)
    with transaction.atomic():
        budget, _created = CompensationBudget.objects.select_for_update(of=("self",)).get_or_create(
            department=department,
            month=first_day,
            currency=currency,
            defaults={"amount": amount},
        )
        if budget.committed > amount:
            raise Conflict(
                _(
                    "%(committed)s is already committed to this budget; it cannot be set "
                    "lower than that."
                )
                % {"committed": money(budget.committed, currency)}
            )
        if budget.amount != amount:
            budget.amount = amount
            budget.save(update_fields=["amount"])
    return budget


def budget_release(item: CompensationItem) -> None:
    if item.budget_id is None or item.amount == 0:
        return
    budget = CompensationBudget.objects.select_for_update(of=("self",)).get(pk=item.budget_id)
    budget.committed -= item.amount
    budget.save(update_fields=["committed"])


def compensation_cancel(*, item: CompensationItem, actor: User, reason: str) -> CompensationItem:
    """Withdraw an item not yet fulfilled; its budget commitment is released."""
    reason = text_within(reason, field="reason")
    if not reason:
        raise InvalidInput(_("Say why the compensation is withdrawn."), field="reason")
    with transaction.atomic():
        locked = (
            CompensationItem.objects.select_for_update(of=("self",))
            .select_related("complaint")
            .get(pk=item.pk)
        )
        require_actor(actor, locked.complaint)
        if locked.status not in {ItemStatus.PROPOSED, ItemStatus.APPROVED, ItemStatus.OFFERED}:
            raise Conflict(
                _("Compensation that is %(status)s cannot be withdrawn.")
                % {"status": locked.get_status_display()}
            )
        if locked.status == ItemStatus.PROPOSED and locked.plan_id is not None:
            plan_status = locked.plan.status if locked.plan else ""
            if plan_status != PlanStatus.DRAFT:
                raise Conflict(_("Change the plan's compensation by revising the plan."))
        budget_release(locked)
        locked.status = ItemStatus.CANCELLED
        locked.save(update_fields=["status"])
        record_event(
            locked.complaint,
            actor,
            EventKind.COMPENSATION,
            "cancelled",
            reason,
            **item_summary(locked),
        )
    return locked


# Fulfilment ----------------------------------------------------------------------------


def compensation_fulfil(
    *, item: CompensationItem, actor: User, reference: str, note: str = ""
) -> CompensationItem:
    """Record that the accepted compensation was carried out (credit posted, gift sent…)."""
    reference = text_within(reference, field="reference", limit=REFERENCE_LENGTH)
    if not reference:
        raise InvalidInput(
            _("Give the reference of the fulfilment (billing adjustment, order, courier…)."),
            field="reference",
        )
    note = text_within(note, field="note")
    with transaction.atomic():
        locked = (
            CompensationItem.objects.select_for_update(of=("self",))
            .select_related("complaint")
            .get(pk=item.pk)
        )
        require_actor(actor, locked.complaint)
        if locked.status != ItemStatus.ACCEPTED:
            raise Conflict(_("Only compensation the customer accepted is fulfilled."))
        locked.status = ItemStatus.FULFILLED
        locked.fulfilled_by, locked.fulfilled_at = actor, clock.now()
        locked.fulfilment_reference = reference
        locked.save()
        record_event(
            locked.complaint,
            actor,
            EventKind.COMPENSATION,
            "fulfilled",
            note,
            reference=reference,
            **item_summary(locked),
        )
    return locked


def compensation_confirm(
    *, item: CompensationItem, actor: User, method: str, effect_note: str = ""
) -> CompensationItem:
    """Confirm the fulfilment was delivered (supervision), with its effect and any problems.

    Someone other than the person who fulfilled it confirms, unless the customer did.
    """
    if method not in ConfirmationMethod.values:
        raise InvalidInput(
            _("Say how the delivery was confirmed: one of %(known)s.")
            % {"known": ", ".join(ConfirmationMethod.values)},
            field="method",
        )
    effect_note = text_within(effect_note, field="effect_note")
    with transaction.atomic():
        locked = (
            CompensationItem.objects.select_for_update(of=("self",))
            .select_related("complaint")
            .get(pk=item.pk)
        )
        require_actor(actor, locked.complaint)
        if locked.status != ItemStatus.FULFILLED:
            raise Conflict(_("Only fulfilled compensation can be confirmed."))
        if method != ConfirmationMethod.CUSTOMER and locked.fulfilled_by_id == actor.pk:
            raise NotAllowed(
                _("Someone other than the person who fulfilled it checks the delivery.")
            )
        locked.status = ItemStatus.CONFIRMED
        locked.confirmed_by, locked.confirmed_at = actor, clock.now()
        locked.confirmation_method = method
        locked.effect_note = effect_note
        locked.save()
        record_event(
            locked.complaint,
            actor,
            EventKind.COMPENSATION,
            "confirmed",
            locked.effect_note,
            method=method,
            **item_summary(locked),
        )
    return locked
