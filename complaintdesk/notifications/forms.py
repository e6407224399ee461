from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from complaintdesk.notifications.choices import NoticeChannel, NoticePurpose
from complaintdesk.notifications.services import MANUAL_PURPOSES, NOTE_MAX


class TrackForm(forms.Form):
    """The public status page: the tracking number and the last four digits of the phone."""

    tracking_number = forms.CharField(label=_("Tracking number"), max_length=32)
    phone_tail = forms.RegexField(
        label=_("Last 4 digits of your phone number"),
        regex=r"^\s*\d{4}\s*$",
        max_length=8,
        error_messages={"invalid": _("Enter the last four digits of your phone number.")},
    )


class MessageForm(forms.Form):
    """A message to the customer written by staff."""

    purpose = forms.ChoiceField(
        label=_("Kind of message"),
        choices=[(p, NoticePurpose(p).label) for p in MANUAL_PURPOSES],
    )
    note = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=NOTE_MAX,
        required=False,
        help_text=_("What was done and what happens next; it goes into the template's text."),
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[("", _("Customer's preferred channel")), *NoticeChannel.choices],
        required=False,
    )
