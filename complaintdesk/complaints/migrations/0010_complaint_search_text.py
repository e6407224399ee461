"""The list search's folded copy of each complaint's text.

`q` compared the raw subject and description, so 网络 did not find 網絡. Complaints now keep
their subject and description folded (traditional Chinese as simplified, full width as half,
lower case) and the query is folded the same way (complaints/selectors.py). The complaints
already stored are folded here, a batch at a time.
"""

from django.db import migrations, models

BATCH = 500


def fold_stored(apps, schema_editor):
    # complaints.selectors.search_text_of, spelt out here so that this migration does not
    # load the application's models; the engine's text functions are plain functions.
    from complaintdesk.triage.engine.text import normalise_for_features

    Complaint = apps.get_model("complaints", "Complaint")
    rows = Complaint.objects.order_by("pk").only("pk", "subject", "description")
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last)[:BATCH])
        if not batch:
            return
        for complaint in batch:
            complaint.search_text = normalise_for_features(
                f"{complaint.subject}\n{complaint.description}"
            )
        Complaint.objects.bulk_update(batch, ["search_text"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0009_sla_limits_in_working_days"),
    ]

    operations = [
        migrations.AddField(
            model_name="complaint",
            name="search_text",
            field=models.TextField(
                blank=True, default="", editable=False, verbose_name="search text"
            ),
        ),
        migrations.RunPython(fold_stored, migrations.RunPython.noop, elidable=True),
    ]
