"""Reference data of the rule book: the shipped rule rows of every app."""

from __future__ import annotations

from coso.rules.services import data_files, load_rules


def load() -> str:
    files = data_files()
    r = load_rules(files)
    text = f"{len(files)} tệp quy định: {r.created} thêm, {r.updated} cập nhật, {r.unchanged} không đổi, {r.removed} bỏ"
    if r.skipped:
        text += f"; giữ {len(r.skipped)} giá trị đơn vị đã sửa"
    return text


def is_loaded() -> bool:
    from coso.rules.models import Rule

    return Rule.objects.filter(origin=Rule.Origin.DATA).exists()
