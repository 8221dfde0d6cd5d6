"""Huey task: re-count the rollups of the records a request has just changed (event-driven update)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task


@db_task(name="coso.indices_refresh_records")
def refresh_records_task(dossier_ids: list[int], feedback_ids: list[int], keys: list[tuple[str, str]] | None = None) -> int:
    """``keys``: (commune, ISO day) pairs to re-count as well (where the records counted before a change)."""
    from coso.indices.services import refresh_records

    return refresh_records(dossier_ids=dossier_ids, feedback_ids=feedback_ids, keys=keys or [])


@db_task(name="coso.indices_refresh_units")
def refresh_units_task(codes: list[str]) -> int:
    """Re-count every day of the communes ``codes`` (after a reorganisation)."""
    from coso.indices.services import refresh_units

    return refresh_units(codes)
