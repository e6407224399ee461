"""The customer's survey form and the staff's follow-up outcome form: plain HTML, no script."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from complaintdesk.surveys.choices import Rating
from complaintdesk.surveys.services import COMMENT_MAX, SurveyAnswer

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _rating_field(label: Any, *, required: bool) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        # Lazy, so each option is translated when the page renders in the survey's language;
        # an f-string froze them in the language active at import (QA: English options).
        choices=[(value, format_lazy("{} · {}", value, name)) for value, name in Rating.choices],
        coerce=int,
        widget=forms.RadioSelect,
        required=required,
        empty_value=None,
    )


class SurveyForm(forms.Form):
    """Overall satisfaction and "solved" are required; the rest may be skipped."""

    overall = _rating_field(
        _("Overall, how satisfied are you with how we handled it?"), required=True
    )
    problem_solved = forms.ChoiceField(
        label=_("Was your problem solved?"), choices=YES_NO, widget=forms.RadioSelect
    )
    outcome_fairness = _rating_field(
        _("Was the result fair and what you could reasonably expect?"), required=False
    )
    procedural_fairness = _rating_field(
        _("Was your complaint handled in a fair way, following our rules and the law?"),
        required=False,
    )
    interactional_fairness = _rating_field(
        _("Did you feel respected and understood?"), required=False
    )
    handler_attitude = _rating_field(
        _("How was the attitude of the staff member who handled it?"), required=False
    )
    comment = forms.CharField(
        label=_("Anything else you would like to tell us (optional)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def answer(self) -> SurveyAnswer:
        data = self.cleaned_data
        return SurveyAnswer(
            overall=data["overall"],
            problem_solved=data["problem_solved"] == "yes",
            outcome_fairness=data.get("outcome_fairness"),
            procedural_fairness=data.get("procedural_fairness"),
            interactional_fairness=data.get("interactional_fairness"),
            handler_attitude=data.get("handler_attitude"),
            comment=data.get("comment", ""),
        )


class VisitOutcomeForm(forms.Form):
    reached = forms.ChoiceField(
        label=_("Did you reach the customer?"), choices=YES_NO, widget=forms.RadioSelect
    )
    problem_returned = forms.ChoiceField(
        label=_("Did the problem come back?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def outcome(self) -> dict[str, Any]:
        data = self.cleaned_data
        returned = data.get("problem_returned")
        return {
            "reached": data["reached"] == "yes",
            "problem_returned": None if not returned else returned == "yes",
            "note": data.get("note", ""),
        }
