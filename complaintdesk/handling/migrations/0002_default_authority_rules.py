"""The default authority matrix: above ¥500 a supervisor, above ¥5,000 a manager, every
major complaint a manager. Administrators edit it in the admin afterwards."""

from decimal import Decimal

from django.db import migrations

SUPERVISOR, MANAGER = 1, 2

RULES = [
    ("Compensation above ¥500: supervisor (补偿超过500元需主管审批)", "", Decimal("500"), SUPERVISOR),
    ("Compensation above ¥5,000: manager (补偿超过5000元需经理审批)", "", Decimal("5000"), MANAGER),
    ("Major complaint: manager (重大投诉需经理审批)", "major", None, MANAGER),
]


def add_rules(apps, schema_editor):
    AuthorityRule = apps.get_model("handling", "AuthorityRule")
    for name, nature_key, above, level in RULES:
        AuthorityRule.objects.get_or_create(
            name=name,
            defaults={
                "nature_key": nature_key,
                "compensation_above": above,
                "currency": "CNY",
                "required_level": level,
            },
        )


def remove_rules(apps, schema_editor):
    AuthorityRule = apps.get_model("handling", "AuthorityRule")
    AuthorityRule.objects.filter(name__in=[name for name, *_ in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("handling", "0001_initial")]

    operations = [migrations.RunPython(add_rules, remove_rules)]
