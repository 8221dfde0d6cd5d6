"""The shipped overrides file (data/overrides.csv): reading and validating it.

Used by the data migration (with the historical model, no audit) and by the service behind
``manage.py load_calendar_overrides`` (audited). Lines starting with ``#`` are comments.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

SHIPPED_PATH = Path(__file__).resolve().parent / "data" / "overrides.csv"
KINDS = ("day_off", "working_day")
COLUMNS = ("date", "kind", "reason", "source")


def read_overrides_csv(path: Path | str | None = None) -> list[dict[str, Any]]:
    """Rows of the file as {date, kind, reason, source}; raises ValueError naming every bad line."""
    path = Path(path or SHIPPED_PATH)
    with path.open(encoding="utf-8", newline="") as fh:
        lines = [(n, line) for n, line in enumerate(fh, start=1) if line.strip() and not line.lstrip().startswith("#")]
    reader = csv.reader([line for _, line in lines])
    rows: list[dict[str, Any]] = []
    errors: list[str] = []
    seen: set[dt.date] = set()
    header = None
    for (lineno, _), values in zip(lines, reader, strict=True):
        if header is None:
            header = [v.strip() for v in values]
            if tuple(header) != COLUMNS:
                raise ValueError(f"{path}: line {lineno}: header must be {','.join(COLUMNS)}")
            continue
        if len(values) != len(COLUMNS):
            errors.append(f"line {lineno}: expected {len(COLUMNS)} columns, got {len(values)}")
            continue
        raw = dict(zip(COLUMNS, (v.strip() for v in values), strict=True))
        try:
            day = dt.date.fromisoformat(raw["date"])
        except ValueError:
            errors.append(f"line {lineno}: date {raw['date']!r} is not YYYY-MM-DD")
            continue
        if raw["kind"] not in KINDS:
            errors.append(f"line {lineno}: kind {raw['kind']!r} is not one of {', '.join(KINDS)}")
            continue
        if not raw["reason"]:
            errors.append(f"line {lineno}: reason is empty")
            continue
        if day in seen:
            errors.append(f"line {lineno}: date {day} appears twice")
            continue
        seen.add(day)
        rows.append({"date": day, "kind": raw["kind"], "reason": raw["reason"][:300], "source": raw["source"][:500]})
    if errors:
        raise ValueError(f"{path}: " + "; ".join(errors))
    return rows


def apply_rows(model: Any, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert or update nationwide rows of ``model`` (no audit: for migrations). Idempotent."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for row in rows:
        obj = model.objects.filter(date=row["date"], province_code="").first()
        if obj is None:
            model.objects.create(province_code="", **row)
            counts["created"] += 1
        elif any(getattr(obj, k) != row[k] for k in ("kind", "reason", "source")):
            for k in ("kind", "reason", "source"):
                setattr(obj, k, row[k])
            obj.save()
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    return counts


def remove_rows(model: Any, rows: list[dict[str, Any]]) -> int:
    """Delete the nationwide rows the file created (same date and kind, no author)."""
    deleted = 0
    for row in rows:
        n, _ = model.objects.filter(date=row["date"], province_code="", kind=row["kind"], created_by__isnull=True).delete()
        deleted += n
    return deleted
