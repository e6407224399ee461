"""The forms each default policy clause justifies (0003 added allowed_forms; none ticked is any
form). A clause an administrator changed since 0002 created it is left as they set it; going
back clears only the forms this migration gave."""

from decimal import Decimal

from django.db import migrations

# The clauses as 0002 created them (code: kind, title, text, maximum per item), and the forms
# each one's text justifies.
AS_CREATED = {
    "tariff-overcharge": (
        "tariff",
        "Refund of wrongly charged fees (错收费用退还)",
        "Fees charged against the published tariff are refunded in full.",
        None,
    ),
    "tariff-outage-credit": (
        "tariff",
        "Service credit for an outage (故障期间话费/流量补偿)",
        "An outage caused by the company is compensated by a credit in proportion to the time "
        "without service.",
        Decimal("500"),
    ),
    "return-7-days": (
        "return_exchange",
        "Return within 7 days (七日无理由退货)",
        "Goods may be returned within seven days of delivery for a full refund.",
        None,
    ),
    "warranty-repair": (
        "warranty",
        "Free repair under warranty (保修期内免费维修)",
        "Faults within the warranty period are repaired free of charge; a replacement is "
        "given when the same fault recurs after repair.",
        None,
    ),
    "goodwill-care": (
        "goodwill",
        "Goodwill gesture (客户关怀礼遇)",
        "A small gift, coupon or points as an apology for inconvenience caused by the company.",
        Decimal("200"),
    ),
}

FORMS = {
    # Fees wrongly charged come back as money or as a credit on the same bill.
    "tariff-overcharge": ["refund", "service_credit"],
    # A credit of call time or of mobile data (话费/流量).
    "tariff-outage-credit": ["service_credit", "data"],
    "return-7-days": ["return_refund"],
    # A repair, or a replacement when the fault recurs; never cash.
    "warranty-repair": ["free_repair", "replacement"],
    # A small gesture in kind: a gift, coupon or points as the text says, or a little call
    # credit, data or a free value-added service, as a telecom operator's goodwill usually
    # is; never money.
    "goodwill-care": ["gift", "coupon", "points", "service_credit", "data", "value_added"],
}


def _as_created(clause, forms):
    kind, title, text, max_amount = AS_CREATED[clause.code]
    return (
        clause.kind == kind
        and clause.title == title
        and clause.text == text
        and clause.max_amount == max_amount
        and clause.currency == "CNY"
        and clause.is_active
        and list(clause.allowed_forms or []) == forms
    )


def give_forms(apps, schema_editor):
    PolicyClause = apps.get_model("remedies", "PolicyClause")
    for clause in PolicyClause.objects.filter(code__in=list(FORMS)):
        if _as_created(clause, []):
            clause.allowed_forms = FORMS[clause.code]
            clause.save(update_fields=["allowed_forms"])


def take_forms_back(apps, schema_editor):
    PolicyClause = apps.get_model("remedies", "PolicyClause")
    for clause in PolicyClause.objects.filter(code__in=list(FORMS)):
        if _as_created(clause, FORMS[clause.code]):
            clause.allowed_forms = []
            clause.save(update_fields=["allowed_forms"])


class Migration(migrations.Migration):
    dependencies = [("remedies", "0003_policy_clause_allowed_forms")]

    operations = [migrations.RunPython(give_forms, take_forms_back)]
