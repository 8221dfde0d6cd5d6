"""Move the funding norms into the rule book (rules.Rule) and drop funding.Norm.

National rows come from the shipped data (``manage.py load_rules``, funding/data/rules.json); the rows a province
edited or adopted from a scenario are copied as the province's own rules so that an existing database keeps them.
Scenario changes are renamed to the rule book's keys ("org.mttq.*" → "funding.org.mttq.*", "base_salary" → "salary.base").
"""

from decimal import Decimal

from django.db import migrations

# Keys whose values are whole numbers (households, counts); the others are stored as decimal text.
INTEGER_KEYS = {"village.threshold.thon", "village.threshold.tdp", "village.max_positions", "ctmt.threshold", "ctmt.step_households"}
MONEY_PREFIXES = ("org.", "association.", "mttq_campaign.", "ctmt.base", "ctmt.step_amount", "ctmt.difficult_addon", "base_salary")


def new_key(key):
    return "salary.base" if key == "base_salary" else f"funding.{key}"


def stored(key, value):
    value = Decimal(value)
    if key in INTEGER_KEYS:
        return int(value.to_integral_value())
    if key.startswith(MONEY_PREFIXES):
        value = value.to_integral_value()
    text = format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def copy_province_norms(apps, schema_editor):
    db = schema_editor.connection.alias
    Norm = apps.get_model("funding", "Norm")
    Rule = apps.get_model("rules", "Rule")
    RuleBookState = apps.get_model("rules", "RuleBookState")
    copied = 0
    for n in Norm.objects.using(db).exclude(province_code="").exclude(key="base_salary").order_by("province_code", "key", "valid_from"):
        _, created = Rule.objects.using(db).get_or_create(
            key=new_key(n.key),
            province_code=n.province_code,
            commune_code="",
            valid_from=n.valid_from,
            defaults={
                "scope": "province",
                "valid_to": n.valid_to,
                "value": stored(n.key, n.value),
                "source_document": (n.source or "Quy định của tỉnh")[:300],
                "confidence": "P",
                "note": n.notes or "",
                "origin": "scenario" if n.origin == "scenario" else "edited",
                "reason": "Chuyển từ định mức kinh phí của tỉnh",
            },
        )
        copied += created
    if copied:  # every process rebuilds its rule index
        import uuid

        RuleBookState.objects.using(db).update(stamp=uuid.uuid4().hex)
    ScenarioChange = apps.get_model("funding", "ScenarioChange")
    for ch in ScenarioChange.objects.using(db).all():
        if not ch.key.startswith(("funding.", "salary.")):
            ch.key = new_key(ch.key)
            ch.save(update_fields=["key"])


class Migration(migrations.Migration):
    dependencies = [("funding", "0002_load_norms"), ("rules", "0001_rule_book")]
    operations = [
        migrations.RunPython(copy_province_norms, migrations.RunPython.noop),
        migrations.DeleteModel(name="Norm"),
    ]
