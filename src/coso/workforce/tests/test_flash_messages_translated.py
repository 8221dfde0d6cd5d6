"""Eight confirmation and error messages of the workforce pages ("Đã thêm công việc.", "Đã phê duyệt %(n)s phiếu."…) were plain
(f-)strings: never collected for translation, they stayed Vietnamese on the English pages. They now go through gettext with
named placeholders, and each has an English entry."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import coso

VIEWS = Path(coso.__file__).parent / "workforce" / "views.py"
PO = Path(coso.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"
MESSAGES = ["Ngày rà soát phải theo định dạng dd/mm/yyyy; đang dùng ngày hôm nay.", "Đã nhập %(n)s người.", "Người được đề nghị xuất sắc: %(names)s",
            "Đã phê duyệt %(n)s phiếu.", "Đã thêm công việc.", "Đã lưu đánh giá.", "Đã phê duyệt.", "Đã lấy %(n)s mục công việc từ một cửa."]


def test_no_flash_message_is_a_plain_string():
    plain = []
    for node in ast.walk(ast.parse(VIEWS.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "messages" and len(node.args) >= 2):
            text = node.args[1]
            words = any(isinstance(v, ast.Constant) and any(c.isalpha() for c in str(v.value)) for v in getattr(text, "values", []))
            if isinstance(text, ast.Constant) or (isinstance(text, ast.JoinedStr) and words) or (isinstance(text, ast.BinOp) and isinstance(text.left, ast.Constant)):
                plain.append(node.lineno)
    assert not plain


def test_every_message_has_an_english_entry():
    english = dict(re.findall(r'^msgid "(.+)"\nmsgstr "(.+)"$', PO.read_text(encoding="utf-8"), flags=re.M))
    assert not [m for m in MESSAGES if not english.get(m)]
    source = VIEWS.read_text(encoding="utf-8")
    assert not [m for m in MESSAGES if f'gettext("{m}")' not in source]
