"""The ceiling a decision to authorise a higher remedy sets: the most the complaint's whole
compensation may come to, and its currency. Decisions recorded before have none."""

from decimal import Decimal

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0012_search_text_regional_wording"),
    ]

    operations = [
        migrations.AddField(
            model_name="escalation",
            name="authorised_amount",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=12,
                null=True,
                validators=[django.core.validators.MinValueValidator(Decimal("0.01"))],
                verbose_name="compensation authorised up to",
            ),
        ),
        migrations.AddField(
            model_name="escalation",
            name="authorised_currency",
            field=models.CharField(
                blank=True, max_length=3, verbose_name="currency of the authorised compensation"
            ),
        ),
        migrations.AddConstraint(
            model_name="escalation",
            constraint=models.CheckConstraint(
                condition=models.Q(authorised_amount__isnull=True, authorised_currency="")
                | (
                    models.Q(decision="authorise", authorised_amount__gt=0)
                    & ~models.Q(authorised_currency="")
                ),
                name="escalation_ceiling_only_when_authorised",
            ),
        ),
    ]
