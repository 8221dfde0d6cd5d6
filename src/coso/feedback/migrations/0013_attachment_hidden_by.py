import django.db.models.deletion
from django.db import migrations, models


def hidden_by_for_existing_copies(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Files hidden on a forwarded copy whose item it came from has the same file hidden: before this field, hiding and
    showing again on the original reached them, so they are recorded as hidden by the original's hiding (as before); a copy's
    file hidden while the original shows it was hidden by the copy's own moderator and stays theirs."""
    Attachment = apps.get_model("feedback", "FeedbackAttachment")
    rows = list(Attachment.objects.filter(hidden=True, feedback__forwarded_from__isnull=False)
                .values_list("pk", "file", "feedback_id", "feedback__forwarded_from_id").order_by("feedback_id", "pk"))
    hidden_by: dict[tuple[int, str], int] = {}  # (item, file) → the item whose hiding hid it there, parents before copies
    for pk, name, feedback_id, parent in rows:
        on_parent = Attachment.objects.filter(feedback_id=parent, file=name, hidden=True).values_list("pk", flat=True).first()
        if on_parent is None:
            continue
        by = hidden_by.get((parent, name), parent)
        Attachment.objects.filter(pk=pk).update(hidden_by_id=by)
        hidden_by[(feedback_id, name)] = by


class Migration(migrations.Migration):

    dependencies = [
        ('feedback', '0012_unhide_attachments_event'),
    ]

    operations = [
        migrations.AddField(
            model_name='feedbackattachment',
            name='hidden_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='feedback.feedback', verbose_name='ẩn theo phản ánh'),
        ),
        migrations.RunPython(hidden_by_for_existing_copies, migrations.RunPython.noop),
    ]
