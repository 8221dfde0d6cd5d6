from django.db import migrations


def load(apps, schema_editor):
    from coso.feedback.services import load_defaults

    load_defaults(apps.get_model("feedback", "FeedbackCategory"), apps.get_model("feedback", "ResponseTemplate"),
                  apps.get_model("feedback", "FeedbackRule"))


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
