"""Demo data of the indices: the rollups counted from the demo dossiers and feedback (no records of its own)."""

from __future__ import annotations

from typing import Any


def build(ctx: Any) -> None:
    from coso.indices.services import rollups_rebuild

    bar = ctx.progress("Chỉ số 766 (tính số liệu theo ngày)")
    n = rollups_rebuild()
    bar.update(n, n)
    bar.finish()
