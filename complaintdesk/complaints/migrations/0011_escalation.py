"""Escalations to higher management raised by hand, with management's decision (SPEC §4),
and their three timeline event kinds."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0010_complaint_search_text"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="complaintevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("created", "Received"),
                    ("transition", "Status changed"),
                    ("field_changed", "Field changed"),
                    ("note", "Note"),
                    ("attachment", "Attachment added"),
                    ("triage", "Triage"),
                    ("triage_corrected", "Triage corrected"),
                    ("routed", "Routed"),
                    ("assigned", "Assigned"),
                    ("duplicate_suspected", "Possible duplicate"),
                    ("repeat_received", "Customer sent it again"),
                    ("sla_warning", "Time limit warning"),
                    ("sla_breached", "Time limit breached"),
                    ("first_response_overdue", "First response overdue"),
                    ("escalated", "Escalated"),
                    ("message", "Message to the customer"),
                    ("management_notified", "Management notified"),
                    ("responsibility", "Responsibility determination"),
                    ("plan", "Handling plan"),
                    ("compensation", "Compensation"),
                    ("care", "Customer care"),
                    ("survey", "Satisfaction survey"),
                    ("follow_up", "Follow-up visit"),
                    ("rejection_review", "Rejection review"),
                    ("escalation_raised", "Escalated to management"),
                    ("escalation_decided", "Management's decision on the escalation"),
                    ("escalation_withdrawn", "Escalation withdrawn"),
                ],
                max_length=30,
            ),
        ),
        migrations.CreateModel(
            name="Escalation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "reason",
                    models.CharField(
                        choices=[
                            ("complex", "Complex or special complaint"),
                            ("higher_level", "The customer asks for a higher level"),
                            (
                                "threat",
                                "The customer threatens the media, a regulator or legal action",
                            ),
                            ("authority", "The remedy needs more authority than the handler has"),
                            ("other", "Other"),
                        ],
                        max_length=20,
                        verbose_name="reason",
                    ),
                ),
                ("explanation", models.TextField(verbose_name="explanation")),
                (
                    "raised_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="raised"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("open", "Waiting for management"),
                            ("decided", "Decided"),
                            ("withdrawn", "Withdrawn"),
                        ],
                        default="open",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                (
                    "decision",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("approved", "Approve the handling as proposed"),
                            ("take_over", "Take the complaint over"),
                            ("reassign", "Reassign the complaint"),
                            ("authorise", "Authorise a higher remedy"),
                            ("reject", "Reject the escalation"),
                        ],
                        max_length=20,
                        verbose_name="decision",
                    ),
                ),
                (
                    "decision_note",
                    models.TextField(blank=True, verbose_name="management's decision"),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True, verbose_name="decided")),
                (
                    "withdrawn_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="withdrawn"),
                ),
                (
                    "withdrawal_note",
                    models.TextField(blank=True, verbose_name="why it was withdrawn"),
                ),
                (
                    "complaint",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="escalations",
                        to="complaints.complaint",
                        verbose_name="complaint",
                    ),
                ),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="decided by",
                    ),
                ),
                (
                    "escalated_to",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="escalations_received",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="escalated to",
                    ),
                ),
                (
                    "new_assignee",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="handed to",
                    ),
                ),
                (
                    "raised_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="raised by",
                    ),
                ),
                (
                    "withdrawn_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="withdrawn by",
                    ),
                ),
            ],
            options={
                "verbose_name": "escalation",
                "verbose_name_plural": "escalations",
                "ordering": ["raised_at", "id"],
                "indexes": [
                    models.Index(
                        fields=["escalated_to", "status", "raised_at"], name="escalation_to_status"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status", "open")),
                        fields=("complaint",),
                        name="escalation_one_open_per_complaint",
                    )
                ],
            },
        ),
    ]
