"""Time limits in working days of the department's calendar.

The two default "5 working days" rules were written as 2,250 business minutes, five working
days of `cn-office` (7.5 hours each), so a department on `cn-24x7` got its result due in 37.5
hours instead of five days. They become 5 working days (7,200 minutes, 1,440 a day), counted
in each calendar's own working day: unchanged on `cn-office`, five calendar days around the
clock. A rule an administrator has changed since is left as it is; complaints already
registered keep the terms they started with.
"""

from django.db import migrations, models

BUSINESS = "business"
WORKING_DAYS = "workdays"
FIVE_OFFICE_DAYS = 2250  # 5 × 7.5 hours of cn-office, in minutes
FIVE_WORKING_DAYS = 5 * 1440
DEFAULT_RULES = (
    "Any complaint: 2 business hours / 5 working days",
    "General: 2 business hours / 5 working days",
)
CHOICES = [
    ("business", "Business hours"),
    ("calendar", "Calendar hours"),
    ("workdays", "Working days (1,440 minutes a day)"),
]


def _convert(apps, schema_editor, old, new):
    SlaPolicy = apps.get_model("complaints", "SlaPolicy")
    SlaPolicy.objects.using(schema_editor.connection.alias).filter(
        name__in=DEFAULT_RULES, resolution_minutes=old[0], resolution_basis=old[1]
    ).update(resolution_minutes=new[0], resolution_basis=new[1])


def to_working_days(apps, schema_editor):
    _convert(apps, schema_editor, (FIVE_OFFICE_DAYS, BUSINESS), (FIVE_WORKING_DAYS, WORKING_DAYS))


def to_business_minutes(apps, schema_editor):
    _convert(apps, schema_editor, (FIVE_WORKING_DAYS, WORKING_DAYS), (FIVE_OFFICE_DAYS, BUSINESS))


class Migration(migrations.Migration):
    dependencies = [("complaints", "0008_first_response_escalation")]

    operations = [
        migrations.AlterField(
            model_name="slapolicy",
            name="first_response_basis",
            field=models.CharField(
                choices=CHOICES,
                default="business",
                max_length=10,
                verbose_name="first response counted in",
            ),
        ),
        migrations.AlterField(
            model_name="slapolicy",
            name="resolution_basis",
            field=models.CharField(
                choices=CHOICES,
                default="business",
                max_length=10,
                verbose_name="resolution counted in",
            ),
        ),
        migrations.RunPython(to_working_days, to_business_minutes),
    ]
