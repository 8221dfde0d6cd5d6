"""Move feedback deadline rules into the rule book (rules.Rule) and drop FeedbackRule.

National rows come from the shipped data (``manage.py load_rules``); a province's own rows are copied
as edited rules so that an existing database keeps them.
"""

from django.db import migrations

FIELDS = {
    "reject_days": "feedback.deadline.reject_days",
    "info_days": "feedback.deadline.info_days",
    "answer_days": "feedback.deadline.answer_days",
    "publish_days": "feedback.deadline.publish_days",
    "auto_hide_reports": "feedback.moderation.auto_hide_reports",
    "max_attachments": "feedback.attachments.max_count",
}


def copy_province_rules(apps, schema_editor):
    FeedbackRule = apps.get_model("feedback", "FeedbackRule")
    Rule = apps.get_model("rules", "Rule")
    for fr in FeedbackRule.objects.exclude(province_code="").order_by("province_code", "valid_from"):
        for field, key in FIELDS.items():
            Rule.objects.get_or_create(
                key=key, province_code=fr.province_code, commune_code="", valid_from=fr.valid_from,
                defaults={"scope": "province", "valid_to": fr.valid_to, "value": getattr(fr, field), "origin": "edited",
                          "source_document": fr.source or "Quy định của tỉnh", "confidence": "P", "reason": "migrated from feedback rules"},
            )


class Migration(migrations.Migration):
    dependencies = [("feedback", "0003_open311_index"), ("rules", "0001_rule_book")]
    operations = [
        migrations.RunPython(copy_province_rules, migrations.RunPython.noop),
        migrations.DeleteModel(name="FeedbackRule"),
    ]
