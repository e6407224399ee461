"""A starting policy library; administrators adapt it to the organisation's own rules."""

from decimal import Decimal

from django.db import migrations

CLAUSES = [
    ("tariff-overcharge", "tariff", "Refund of wrongly charged fees (错收费用退还)",
     "Fees charged against the published tariff are refunded in full.", None),
    ("tariff-outage-credit", "tariff", "Service credit for an outage (故障期间话费/流量补偿)",
     "An outage caused by the company is compensated by a credit in proportion to the time "
     "without service.", Decimal("500")),
    ("return-7-days", "return_exchange", "Return within 7 days (七日无理由退货)",
     "Goods may be returned within seven days of delivery for a full refund.", None),
    ("warranty-repair", "warranty", "Free repair under warranty (保修期内免费维修)",
     "Faults within the warranty period are repaired free of charge; a replacement is "
     "given when the same fault recurs after repair.", None),
    ("goodwill-care", "goodwill", "Goodwill gesture (客户关怀礼遇)",
     "A small gift, coupon or points as an apology for inconvenience caused by the company.",
     Decimal("200")),
]


def add_clauses(apps, schema_editor):
    PolicyClause = apps.get_model("remedies", "PolicyClause")
    for code, kind, title, text, max_amount in CLAUSES:
        PolicyClause.objects.get_or_create(
            code=code,
            defaults={"kind": kind, "title": title, "text": text, "max_amount": max_amount},
        )


def remove_clauses(apps, schema_editor):
    PolicyClause = apps.get_model("remedies", "PolicyClause")
    PolicyClause.objects.filter(code__in=[c[0] for c in CLAUSES], items__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("remedies", "0001_initial")]

    operations = [migrations.RunPython(add_clauses, remove_clauses)]
