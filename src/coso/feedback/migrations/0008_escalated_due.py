from django.db import migrations, models
from django.db.models import F


def fill_escalated_due(apps, schema_editor):
    """Items escalated before the deadline was recorded: the answer deadline, or the publication deadline for an answered
    item escalated after its answer (an answer left unpublished), so that no leader is told about them twice."""
    Feedback = apps.get_model("feedback", "Feedback")
    Feedback.objects.filter(escalated=True).update(escalated_due=F("answer_due"))
    Feedback.objects.filter(escalated=True, status="answered", publish_due__isnull=False, answered_at__isnull=False,
                            escalated_at__gt=F("answered_at")).update(escalated_due=F("publish_due"))


class Migration(migrations.Migration):

    dependencies = [
        ("feedback", "0007_report_address_hash"),
    ]

    operations = [
        migrations.AddField(
            model_name="feedback",
            name="escalated_due",
            field=models.DateField(blank=True, null=True, verbose_name="hạn đã báo lãnh đạo"),
        ),
        migrations.RunPython(fill_escalated_due, migrations.RunPython.noop),
    ]
