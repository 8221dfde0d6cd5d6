"""The audit log as a person reads it: field labels instead of attribute names, local times and Vietnamese
dates instead of UTC ISO strings, choice labels instead of codes, "Có/Không" instead of true/false."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

EMPTY = "—"
MAX_CHARS = 200
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _model(object_type: str) -> type[models.Model] | None:
    if "." not in object_type:
        return None
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, key: str) -> models.Field | None:
    if model is None:
        return None
    for f in model._meta.concrete_fields:
        if key in (f.name, f.attname):
            return f  # type: ignore[return-value]
    return None


def _label(field: models.Field | None, key: str) -> str:
    if field is None:
        return key
    name = str(field.verbose_name)
    return name[:1].upper() + name[1:]


def format_value(value: Any, field: models.Field | None = None) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if field is not None and field.choices and not isinstance(value, (list, dict)):
        label = dict(field.flatchoices).get(value)  # type: ignore[arg-type]
        if label is not None:
            return str(label)
    if isinstance(value, str):
        if _ISO_DATETIME.match(value):
            parsed = parse_datetime(value)
            if parsed is not None:
                if timezone.is_naive(parsed):
                    parsed = timezone.make_aware(parsed, dt.UTC)
                return timezone.localtime(parsed).strftime("%H:%M %d/%m/%Y")
        if _ISO_DATE.match(value):
            day = parse_date(value)
            if day is not None:
                return day.strftime("%d/%m/%Y")
        return value if len(value) <= MAX_CHARS else value[: MAX_CHARS - 1] + "…"
    if isinstance(value, list):
        return ", ".join(format_value(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {format_value(v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def field_changes(entry: Any) -> list[dict[str, str]]:
    """[{label, before, after}] for one audit entry; ``before``/``after`` are "" when the entry has no
    such side (a creation has no before, a deletion no after)."""
    before, after = entry.before, entry.after
    if before is not None and not isinstance(before, dict):
        before = {"": before}
    if after is not None and not isinstance(after, dict):
        after = {"": after}
    keys = list((after or {}).keys()) + [k for k in (before or {}) if k not in (after or {})]
    model = _model(entry.object_type or "")
    rows = []
    for key in keys:
        field = _field(model, key)
        rows.append(
            {
                "label": _label(field, key) if key else "",
                "before": format_value(before.get(key), field) if before is not None else "",
                "after": format_value(after.get(key), field) if after is not None else "",
            }
        )
    return rows
