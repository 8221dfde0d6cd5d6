"""Reference data of the procedures module, loaded by ``manage.py load_reference``.

1. ``data/procedures.json``: the curated catalogue (corrected against the national portal, each row with its source);
   procedures that no longer exist end on a date (never deleted: dossiers keep their version).
2. ``data/portal/commune-procedures.jsonl``: commune-level procedures of Ho Chi Minh City's list (decision
   113/QĐ-UBND of 2025) whose values could be sourced from public crawls of the national portal
   (see ``data/portal/COVERAGE.md`` for what is missing and why).
"""

from __future__ import annotations

# Not loaded before every test by the root conftest: other apps' tests build their own procedures with
# real codes, and the catalogue's tests load it themselves.
AUTOLOAD_IN_TESTS = False


def load() -> str:
    from coso.procedures.portal import load_shipped
    from coso.procedures.services import load_procedures

    curated = load_procedures()
    portal = load_shipped()
    return (
        f"thủ tục hành chính: danh mục hiệu đính {curated['rows']} dòng (kết thúc {curated['ended']}), "
        f"từ Cổng DVC quốc gia {portal['rows']} thủ tục (mới {portal['procedures_created']}, phiên bản mới {portal['versions_created']})"
    )


def is_loaded() -> bool:
    from coso.procedures.models import Procedure

    return Procedure.objects.exists()
