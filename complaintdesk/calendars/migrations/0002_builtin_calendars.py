"""The built-in calendars: mainland office hours, around the clock, and Hong Kong office hours.

The weekly hours are written out here rather than imported, so this migration keeps
producing the same rows whatever later code says.
"""

from django.db import migrations

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
ALL_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

BUILTIN_CALENDARS = [
    {
        "name": "cn-office",
        "label": "Mainland China office hours",
        "time_zone": "Asia/Shanghai",
        "holiday_region": "cn",
        "weekly_hours": {
            day: (["09:00-12:00", "13:30-18:00"] if day in WEEKDAYS else []) for day in ALL_DAYS
        },
    },
    {
        "name": "cn-24x7",
        "label": "Around the clock (calendar hours)",
        "time_zone": "Asia/Shanghai",
        "holiday_region": "",
        "weekly_hours": {day: ["00:00-24:00"] for day in ALL_DAYS},
    },
    {
        "name": "hk-office",
        "label": "Hong Kong office hours",
        "time_zone": "Asia/Hong_Kong",
        "holiday_region": "hk",
        "weekly_hours": {day: (["09:00-18:00"] if day in WEEKDAYS else []) for day in ALL_DAYS},
    },
]


def create_builtin_calendars(apps, schema_editor):
    BusinessCalendar = apps.get_model("calendars", "BusinessCalendar")
    for spec in BUILTIN_CALENDARS:
        # get_or_create: an installation that already made one of these keeps its edits.
        BusinessCalendar.objects.using(schema_editor.connection.alias).get_or_create(
            name=spec["name"], defaults={**spec, "active": True}
        )


def remove_builtin_calendars(apps, schema_editor):
    BusinessCalendar = apps.get_model("calendars", "BusinessCalendar")
    BusinessCalendar.objects.using(schema_editor.connection.alias).filter(
        name__in=[spec["name"] for spec in BUILTIN_CALENDARS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("calendars", "0001_initial")]

    operations = [migrations.RunPython(create_builtin_calendars, remove_builtin_calendars)]
