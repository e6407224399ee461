"""The list search finds Taiwan and Hong Kong wording by mainland words, and the reverse.

A complaint in traditional script now keeps, after its folded text, the same text in
mainland wording (寬頻 → 宽带, 軟體 → 软件, 簡訊 → 短信), one form a line; see
`search_forms` in complaints/selectors.py. The complaints already stored are refolded here,
a batch at a time.
"""

from django.db import migrations

BATCH = 500


def search_text_of(subject, description, converters):
    # complaints.selectors.search_text_of as of this migration, spelt out so that it does not
    # load the application's models; the engine's text functions are plain functions.
    from complaintdesk.triage.engine.text import (
        fold_width,
        normalise_for_features,
        to_simplified,
    )

    text = f"{subject}\n{description}"
    forms = [normalise_for_features(text)]
    folded = fold_width(text)
    if to_simplified(folded) != folded:
        for converter in converters:
            form = normalise_for_features(converter.convert(folded))
            if form not in forms:
                forms.append(form)
    return "\n".join(forms)


def refold_stored(apps, schema_editor):
    import opencc

    converters = (opencc.OpenCC("tw2sp"), opencc.OpenCC("hk2sp"))
    Complaint = apps.get_model("complaints", "Complaint")
    rows = Complaint.objects.order_by("pk").only("pk", "subject", "description", "search_text")
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last)[:BATCH])
        if not batch:
            return
        changed = []
        for complaint in batch:
            folded = search_text_of(complaint.subject, complaint.description, converters)
            if folded != complaint.search_text:
                complaint.search_text = folded
                changed.append(complaint)
        Complaint.objects.bulk_update(changed, ["search_text"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0011_escalation"),
    ]

    operations = [
        migrations.RunPython(refold_stored, migrations.RunPython.noop, elidable=True),
    ]
