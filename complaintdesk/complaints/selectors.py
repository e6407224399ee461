"""Reads of complaints. Every list and detail, in the API, the web UI and exports, starts here.

`complaints_visible_to(user)` is the restricted queryset: a department handler sees only
complaints routed to their department, analysts and auditors see everything read-only,
anonymous or role-less users see nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import opencc
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from complaintdesk.accounts.models import Department, User
from complaintdesk.accounts.permissions import department_scope, sees_personal_data
from complaintdesk.complaints.choices import OPEN_STATUSES, Channel, EscalationStatus, Status
from complaintdesk.complaints.errors import InvalidInput, NotFound
from complaintdesk.complaints.models import Complaint, ComplaintEvent
from complaintdesk.core import clock
from complaintdesk.core.ids import is_valid_tracking_number, normalise_tracking_number
from complaintdesk.triage.choices import Dimension
from complaintdesk.triage.engine.text import fold_width, normalise_for_features, to_simplified
from complaintdesk.triage.models import TaxonomyEntry


def complaints_visible_to(user: User) -> QuerySet[Complaint]:
    scope = department_scope(user)
    return Complaint.objects.none() if scope is None else Complaint.objects.filter(**scope)


def complaint_get(*, user: User, tracking_number: str) -> Complaint:
    """One complaint by tracking number; "not found" also when the user may not see it."""
    number = normalise_tracking_number(tracking_number)
    complaint = (
        complaints_visible_to(user)
        .select_related(
            "customer",
            "department",
            "assignee",
            "content_category",
            "nature",
            "complaint_object",
            "handling_department_class",
            "time_limit_class",
            "merged_into",
            "duplicate_of",
        )
        .filter(tracking_number=number)
        .first()
    )
    if complaint is None:
        # The same answer for "does not exist" and "not yours", so numbers cannot be probed.
        raise NotFound(_("No complaint %(number)s.") % {"number": number})
    return complaint


@dataclass
class ComplaintFilters:
    status: list[str] | None = None
    category: str = ""
    nature: str = ""
    department: str = ""
    assignee: str = ""
    customer_id: int | None = None
    channel: str = ""
    overdue: bool | None = None
    # Past the warning share or overdue, clock running; listed the earliest due first.
    at_risk: bool = False
    needs_triage: bool | None = None
    crisis: bool | None = None
    text: str = ""
    received_from: datetime | None = None
    received_to: datetime | None = None
    # Escalated to the acting user and waiting for their decision.
    escalated_to_me: bool = False


def _check_filter_keys(filters: ComplaintFilters) -> None:
    """A filter value nothing can carry is a typo: say so rather than list nothing."""
    for name, dimension in (("category", Dimension.CONTENT), ("nature", Dimension.NATURE)):
        key = getattr(filters, name)
        entries = TaxonomyEntry.objects.of(dimension)
        if key and not entries.filter(key=key).exists():
            known = entries.filter(parent__isnull=True).values_list("key", flat=True)
            raise InvalidInput(
                _("Unknown %(filter)s %(value)s; use one of: %(known)s.")
                % {"filter": name, "value": key, "known": ", ".join(sorted(known))},
                field=name,
            )
    if filters.department and not Department.objects.filter(code=filters.department).exists():
        codes = Department.objects.order_by("code").values_list("code", flat=True)
        raise InvalidInput(
            _("Unknown %(filter)s %(value)s; use one of: %(known)s.")
            % {"filter": "department", "value": filters.department, "known": ", ".join(codes)},
            field="department",
        )
    if filters.channel and filters.channel not in Channel.values:
        raise InvalidInput(
            _("Unknown %(filter)s %(value)s; use one of: %(known)s.")
            % {"filter": "channel", "value": filters.channel, "known": ", ".join(Channel.values)},
            field="channel",
        )
    assignee = filters.assignee
    if assignee and assignee != "none" and not User.objects.filter(username=assignee).exists():
        raise InvalidInput(
            _(
                "No staff member with the username %(value)s; give a username, or none for "
                "unassigned complaints."
            )
            % {"value": assignee},
            field="assignee",
        )


def complaint_list(*, user: User, filters: ComplaintFilters) -> QuerySet[Complaint]:
    queryset = complaints_visible_to(user).select_related(
        "customer", "department", "assignee", "content_category", "nature"
    )
    if filters.status:
        unknown = [s for s in filters.status if s not in Status.values]
        if unknown:
            raise InvalidInput(
                _("Unknown status %(status)s; use any of: %(known)s.")
                % {"status": unknown[0], "known": ", ".join(Status.values)},
                field="status",
            )
        queryset = queryset.filter(status__in=filters.status)
    _check_filter_keys(filters)
    if filters.category:
        queryset = queryset.filter(
            Q(content_category__key=filters.category)
            | Q(content_category__parent__key=filters.category)
            | Q(content_category__parent__parent__key=filters.category)
        )
    if filters.nature:
        queryset = queryset.filter(nature__key=filters.nature)
    if filters.department:
        queryset = queryset.filter(department__code=filters.department)
    if filters.assignee:
        if filters.assignee == "none":
            queryset = queryset.filter(assignee__isnull=True)
        else:
            queryset = queryset.filter(assignee__username=filters.assignee)
    if filters.customer_id is not None:
        queryset = queryset.filter(customer_id=filters.customer_id)
    if filters.channel:
        queryset = queryset.filter(channel=filters.channel)
    if filters.escalated_to_me:
        # At most one escalation waits per complaint: the join adds no duplicate rows.
        queryset = queryset.filter(
            escalations__status=EscalationStatus.OPEN, escalations__escalated_to=user
        )
    if filters.overdue is not None:
        overdue = Q(status__in=OPEN_STATUSES, resolution_due_at__lt=clock.now())
        overdue &= Q(sla_paused_at__isnull=True)
        queryset = queryset.filter(overdue) if filters.overdue else queryset.exclude(overdue)
    if filters.at_risk:
        queryset = _at_risk(queryset, clock.now())
    if filters.needs_triage is not None:
        queryset = queryset.filter(needs_triage=filters.needs_triage)
    if filters.crisis is not None:
        queryset = (
            queryset.exclude(crisis_signals=[])
            if filters.crisis
            else queryset.filter(crisis_signals=[])
        )
    if filters.text.strip():
        queryset = queryset.filter(_text_matches(user, filters.text.strip()))
    if filters.received_from:
        queryset = queryset.filter(received_at__gte=filters.received_from)
    if filters.received_to:
        queryset = queryset.filter(received_at__lt=filters.received_to)
    if filters.at_risk or filters.overdue:
        # The most overdue first: the earliest resolution deadline.
        return queryset.order_by(*_MOST_PRESSING_FIRST)
    return queryset.order_by("-received_at", "-id")


# Taiwan and Hong Kong wording as the mainland writes it (寬頻 → 宽带, 軟體 → 软件, 簡訊 →
# 短信, 數據機 → 调制解调器), for the list search only: triage keeps normalise_for_features,
# which its models were trained on.
_REGIONAL_TO_MAINLAND = (opencc.OpenCC("tw2sp"), opencc.OpenCC("hk2sp"))
# Between the forms of one text in `search_text`. A folded query never holds a line break
# (runs of white space fold to one space), so no match spans two forms.
_FORM_SEPARATOR = "\n"


def search_text_of(subject: str, description: str) -> str:
    """A complaint's text as the list search reads it (`Complaint.search_text`): its
    search forms (`search_forms`), one per line."""
    return _FORM_SEPARATOR.join(search_forms(f"{subject}\n{description}"))


def search_forms(text: str) -> list[str]:
    """The forms of a text the list search compares; a query matches a complaint when one
    of the query's forms is part of one of the complaint's.

    The first form is the folded text: traditional Chinese as simplified (OpenCC t2s, as
    triage reads text), full-width forms as plain ones, letters in lower case, runs of
    spaces as one, so either script or width finds the other. A text in traditional script
    also gets its Taiwan and Hong Kong wording in mainland words (OpenCC tw2sp and hk2sp),
    so 寬頻 finds 宽带 and 宽带 finds 寬頻. The converted form comes in addition, never
    instead: a phrase converts as a whole, so a piece of it (頻 of 寬頻, now 宽带) is found
    in the first form only. Text in simplified script is mainland wording already and is not
    converted: 程序 (a procedure) would become 进程 (a computer process) and find it.
    """
    forms = [normalise_for_features(text)]
    folded = fold_width(text)
    if to_simplified(folded) == folded:
        return forms
    for converter in _REGIONAL_TO_MAINLAND:
        form = normalise_for_features(converter.convert(folded))
        if form not in forms:
            forms.append(form)
    return forms


def _text_matches(user: User, text: str) -> Q:
    """The list search: the tracking number, the subject and description and, for roles that
    see personal data, the customer. Roles that see it masked search neither the customer's
    fields nor personal data in the text: a hit would confirm what the mask hides."""
    number = normalise_tracking_number(text)
    if is_valid_tracking_number(number) and not sees_personal_data(user):
        # Its check symbol makes it a tracking number, not personal data, though it may
        # hold five digits in a row.
        return Q(tracking_number=number)
    matches = Q(tracking_number=number)
    for form in search_forms(text):
        matches |= Q(search_text__contains=form)
    if not sees_personal_data(user):
        _refuse_personal_data_search(text)
        return matches
    return matches | _customer_matches(text)


# A phone as staff type it: digits with spaces, dashes, brackets or dots, maybe a +.
_PHONE_QUERY = re.compile(r"\+?[\d\s\-().]+")
_NOT_DIGIT = re.compile(r"\D")
# Stored phones are digits with an optional + (customers.services.normalise_phone), mainland
# numbers with or without +86.
_MAINLAND_PREFIX = re.compile(r"^(?:\+86|0086)")


def _customer_matches(text: str) -> Q:
    """The customer's name (a part of it), account number (the whole, any case), e-mail and
    phone numbers.

    An e-mail query has an @ (the whole address, "zhang@" or "@example.com", any case):
    without one, a word such as "net" would match every customer whose address holds it.
    A phone query is compared as digits: seven or more are found anywhere in a stored number
    (138 1234 5678 finds +8613812345678), four to six only at its end, the "尾号" customers
    quote (a shorter piece anywhere would match countless numbers).
    """
    matches = Q(customer__name__icontains=text) | Q(customer__account_number__iexact=text)
    if "@" in text:
        matches |= Q(customer__primary_email__icontains=text)
        matches |= Q(customer__emails__icontains=text)
    if _PHONE_QUERY.fullmatch(text):
        digits = _NOT_DIGIT.sub("", _MAINLAND_PREFIX.sub("", text))
        if len(digits) >= 7:
            matches |= Q(customer__primary_phone__contains=digits)
            matches |= Q(customer__phones__icontains=digits)
        elif len(digits) >= 4:
            # In the list's JSON text every number ends with a quote: ["13812345678", …].
            matches |= Q(customer__primary_phone__endswith=digits)
            matches |= Q(customer__phones__icontains=f'{digits}"')
    return matches


# Five digits or more (spaces and dashes aside), or an e-mail sign: part of a phone, an ID,
# a card or an address, never a word of a complaint an analyst needs to find.
_PERSONAL_DATA_QUERY = re.compile(r"\d{5,}|@")
_DIGIT_SEPARATORS = re.compile(r"[\s\-]")


def _refuse_personal_data_search(text: str) -> None:
    """A role that sees personal data masked must not search the stored text for it: a hit
    would confirm the number or address the mask hides."""
    if _PERSONAL_DATA_QUERY.search(_DIGIT_SEPARATORS.sub("", text)):
        raise InvalidInput(
            _(
                "Your role sees personal data masked, so it cannot search by phone, ID or "
                "card numbers or e-mail addresses; search by words or the tracking number."
            ),
            field="q",
        )


# The at-risk rule, shared by the queue below and the list's "at risk" filter.
_MOST_PRESSING_FIRST = ("resolution_due_at", "id")


def _at_risk(queryset: QuerySet[Complaint], now: datetime) -> QuerySet[Complaint]:
    return queryset.filter(sla_warn_at__lte=now)


def complaint_at_risk_list(
    *, user: User, overdue_only: bool = False, now: datetime | None = None
) -> QuerySet[Complaint]:
    """Open complaints past the time-limit warning share or overdue, the most pressing first.

    `sla_warn_at` is set only while a clock runs (not paused, not finished), so the filter
    is one index range scan however many complaints are open.
    """
    now = now or clock.now()
    queryset = _at_risk(complaints_visible_to(user), now)
    if overdue_only:
        queryset = queryset.filter(resolution_due_at__lte=now)
    return queryset.select_related(
        "customer", "department", "assignee", "content_category", "nature"
    ).order_by(*_MOST_PRESSING_FIRST)


def complaint_timeline(*, complaint: Complaint) -> QuerySet[ComplaintEvent]:
    return complaint.events.select_related("actor", "complaint__customer").order_by(
        "created_at", "id"
    )
