"""The moderation page in English named two of its tabs in Vietnamese ("Gắn cờ / bị báo", "Đã chuyển"): the tab names were
plain strings translated when the page is drawn, never collected, and had no English entry ("Đã chuyển" only an obsolete one).
They are now marked for translation and each has an English entry (the compiled catalogue is built from the .po at release)."""

from __future__ import annotations

import re
from pathlib import Path

import coso
from coso.feedback.views import TABS

PO = Path(coso.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _english() -> dict[str, str]:
    """The active (not obsolete) single-line entries of the English catalogue."""
    pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', PO.read_text(encoding="utf-8"), flags=re.M)
    return dict(pairs)


def test_every_moderation_tab_has_an_english_name():
    english = _english()
    missing = [label for _key, label in TABS if not english.get(label)]
    assert not missing
    assert (english["Gắn cờ / bị báo"], english["Đã chuyển"]) == ("Flagged / reported", "Forwarded")


def test_the_tab_names_are_marked_for_translation():
    source = (Path(coso.__file__).parent / "feedback" / "views.py").read_text(encoding="utf-8")
    for _key, label in TABS:
        assert f'gettext_noop("{label}")' in source
