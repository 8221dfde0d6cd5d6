"""Catalogues of the planning app (names and orderings, not legal numbers; those are in the rule book).

``RANKS`` orders the commune leadership posts that can be planned: planning is only for a post
ranked higher than the one held (Quy định 377-QĐ/TW; Quy định 50-QĐ/TW before 8/10/2025). Every
commune post belongs to one level ("xa"); the "≤ 3 posts per candidate at the same level" rule
counts within it. ``TERMS`` are the commune Party committee terms (Chỉ thị 45-CT/TW: 2025–2030);
a term starts when the committee is formed (1/7/2025 with the two-level government, Kết luận
150-KL/TW) and the next one five years later [I].
"""

from __future__ import annotations

import datetime as dt

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

RANKS: dict[str, int] = {
    "bi_thu": 100, "pho_bi_thu": 90, "ct_hdnd": 90, "ct_ubnd": 90,
    "pct_hdnd": 80, "pct_ubnd": 80, "ct_mttq": 80,
    "cvp": 60, "tp_kinh_te": 60, "tp_vhxh": 60, "pgd_ttphc": 50,
}
PLANNABLE = list(RANKS)
LEVEL = "xa"

TERMS: dict[str, dict[str, dt.date | str | Promise]] = {
    "2025-2030": {"label": _("Nhiệm kỳ 2025–2030"), "start": dt.date(2025, 7, 1), "end": dt.date(2030, 7, 1)},
    "2030-2035": {"label": _("Nhiệm kỳ 2030–2035"), "start": dt.date(2030, 7, 1), "end": dt.date(2035, 7, 1)},
}

# Courses: which standard a course type closes and the level it gives (codes of coso.workforce.rules.LEVELS). The names
# are Vietnamese (a course created without a name is stored with it) marked for translation: shown with gettext.
COURSE_KINDS: dict[str, dict[str, str]] = {
    "llct_so_cap": {"name": gettext_noop("Sơ cấp lý luận chính trị"), "standard": "political_theory", "level": "so_cap"},
    "llct_trung_cap": {"name": gettext_noop("Trung cấp lý luận chính trị"), "standard": "political_theory", "level": "trung_cap"},
    "llct_cao_cap": {"name": gettext_noop("Cao cấp lý luận chính trị"), "standard": "political_theory", "level": "cao_cap"},
    "qlnn_chuyen_vien": {"name": gettext_noop("Bồi dưỡng quản lý nhà nước (chuyên viên)"), "standard": "state_management", "level": "chuyen_vien"},
    "qlnn_chuyen_vien_chinh": {"name": gettext_noop("Bồi dưỡng quản lý nhà nước (chuyên viên chính)"), "standard": "state_management",
                               "level": "chuyen_vien_chinh"},
    "tin_hoc_co_ban": {"name": gettext_noop("Tin học, kỹ năng số cơ bản"), "standard": "it", "level": "co_ban"},
    "tin_hoc_nang_cao": {"name": gettext_noop("Tin học, kỹ năng số nâng cao"), "standard": "it", "level": "nang_cao"},
    "ngoai_ngu_bac2": {"name": gettext_noop("Ngoại ngữ bậc 2"), "standard": "foreign_language", "level": "bac2"},
    "ngoai_ngu_bac3": {"name": gettext_noop("Ngoại ngữ bậc 3"), "standard": "foreign_language", "level": "bac3"},
    "dai_hoc": {"name": gettext_noop("Đại học (vừa làm vừa học)"), "standard": "degree_level", "level": "dai_hoc"},
    # Mandatory programmes of a post (rule planning.training.mandatory_programmes): "standard" programme, "level" the programme's code.
    "lanh_dao_cap_phong": {"name": gettext_noop("Bồi dưỡng lãnh đạo, quản lý cấp phòng (4 tuần)"), "standard": "programme", "level": "lanh_dao_cap_phong"},
}
PROGRAMME = "programme"


def term_label(code: str) -> str:
    return str(TERMS.get(code, {}).get("label", code))


def term_start(code: str) -> dt.date:
    start = TERMS[code]["start"]
    assert isinstance(start, dt.date)
    return start


def rules_add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
