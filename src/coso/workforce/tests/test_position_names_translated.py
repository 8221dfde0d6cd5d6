"""The 30 position names and 11 office names of the catalogue (workforce/data/positions.json) were shown in Vietnamese on
the English pages: they were read from the JSON file, never collected for translation and never passed through gettext.
They are now listed with gettext_noop in workforce/position_names.py (kept by makemessages), each has an English entry,
and rules.position_name / rules.office_name translate them when shown (the catalogue itself stays Vietnamese: the
register's import matches positions by their Vietnamese name)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import coso
from coso.workforce import rules

PO = Path(coso.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"
CATALOGUE = json.loads((Path(coso.__file__).parent / "workforce" / "data" / "positions.json").read_text(encoding="utf-8"))


def _names() -> list[str]:
    return list(dict.fromkeys([p["name"] for p in CATALOGUE["positions"]] + [o["name"] for o in CATALOGUE["offices"]]))


def _english() -> dict[str, str]:
    return dict(re.findall(r'^msgid "(.+)"\nmsgstr "(.+)"$', PO.read_text(encoding="utf-8"), flags=re.M))


def test_every_position_and_office_name_is_marked_for_translation():
    source = (Path(coso.__file__).parent / "workforce" / "position_names.py").read_text(encoding="utf-8")
    missing = [n for n in _names() if f'gettext_noop("{n}")' not in source]
    assert not missing


def test_every_position_and_office_name_has_an_english_entry():
    english = _english()
    missing = [n for n in _names() if not english.get(n)]
    assert not missing
    assert english["Chủ tịch UBND"] == "Chairperson of the People's Committee"


def test_names_are_translated_when_shown(monkeypatch):
    monkeypatch.setattr(rules, "gettext", lambda s: f"EN:{s}")
    assert rules.position_name("ct_ubnd") == "EN:Chủ tịch UBND"
    assert rules.office_name("ubnd") == "EN:Ủy ban nhân dân"
    assert rules.position_name("unknown-code") == "unknown-code"
    assert rules.office_name("unknown-office") == "unknown-office"
