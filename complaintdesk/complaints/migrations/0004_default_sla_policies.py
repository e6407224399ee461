"""The default time-limit policies (SPEC §3 time limits, §5 "respond within 2 hours").

- any complaint: first response in 2 business hours, result in 5 working days. The
  built-in `cn-office` calendar works 7.5 hours a day (09:00-12:00, 13:30-18:00), so five
  working days are 37.5 business hours (2,250 minutes); a department on another calendar
  gets the same 37.5 business hours.
- general complaints of VIP customers: first response in 1 business hour, result
  in 48 calendar hours;
- major complaints: 1 hour / 24 hours, calendar time (the emergency path runs around the
  clock);
- urgent complaints: 30 minutes / 4 hours, calendar time;
- complaints through the regulator: 1 hour / 24 hours, calendar time; the regulator's own
  deadline replaces the resolution due time when it is earlier (sla.py does that for any
  complaint that carries an external deadline).

The values are written out here, so this migration keeps producing the same rows whatever
later code says. Administrators edit them in the admin or through the API.
"""

from django.db import migrations

BUSINESS = "business"
CALENDAR = "calendar"

DEFAULT_POLICIES = [
    {
        "name": "Any complaint: 2 business hours / 5 working days",
        "first_response_minutes": 120,
        "first_response_basis": BUSINESS,
        "resolution_minutes": 2250,
        "resolution_basis": BUSINESS,
        "time_limit_key": "within_5d",
        "priority": 0,
    },
    {
        "name": "General: 2 business hours / 5 working days",
        "nature_key": "general",
        "first_response_minutes": 120,
        "first_response_basis": BUSINESS,
        "resolution_minutes": 2250,
        "resolution_basis": BUSINESS,
        "time_limit_key": "within_5d",
        "priority": 100,
    },
    {
        "name": "General, VIP customer: 1 business hour / 48 hours",
        "nature_key": "general",
        "customer_tier": "vip",
        "first_response_minutes": 60,
        "first_response_basis": BUSINESS,
        "resolution_minutes": 48 * 60,
        "resolution_basis": CALENDAR,
        "time_limit_key": "within_48h",
        "priority": 100,
    },
    {
        "name": "Major: 1 hour / 24 hours",
        "nature_key": "major",
        "first_response_minutes": 60,
        "first_response_basis": CALENDAR,
        "resolution_minutes": 24 * 60,
        "resolution_basis": CALENDAR,
        "time_limit_key": "within_24h",
        "priority": 200,
    },
    {
        "name": "Regulator: 1 hour / 24 hours or the regulator's deadline",
        "channel": "regulator",
        "first_response_minutes": 60,
        "first_response_basis": CALENDAR,
        "resolution_minutes": 24 * 60,
        "resolution_basis": CALENDAR,
        "time_limit_key": "within_24h",
        "priority": 250,
    },
    {
        "name": "Urgent: 30 minutes / 4 hours",
        "nature_key": "urgent",
        "first_response_minutes": 30,
        "first_response_basis": CALENDAR,
        "resolution_minutes": 4 * 60,
        "resolution_basis": CALENDAR,
        "time_limit_key": "immediate",
        "priority": 300,
    },
]


def create_default_policies(apps, schema_editor):
    SlaPolicy = apps.get_model("complaints", "SlaPolicy")
    manager = SlaPolicy.objects.using(schema_editor.connection.alias)
    for spec in DEFAULT_POLICIES:
        manager.get_or_create(name=spec["name"], defaults=spec)


def remove_default_policies(apps, schema_editor):
    SlaPolicy = apps.get_model("complaints", "SlaPolicy")
    SlaPolicy.objects.using(schema_editor.connection.alias).filter(
        name__in=[spec["name"] for spec in DEFAULT_POLICIES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("complaints", "0003_sla_clock_and_policies")]

    operations = [migrations.RunPython(create_default_policies, remove_default_policies)]
