"""The register export job refused an empty start or end with "Ngày không hợp lệ: (trống).", the "(trống)" a literal
that never reached the catalogue: an English reader got "Invalid date: (trống).". It now goes through gettext and has
an English entry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import coso
from coso.core.exceptions import ApplicationError
from coso.dossiers import jobs

PO = Path(coso.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("value", ["", None, "   "])
def test_the_empty_value_shown_in_invalid_date_is_translated(monkeypatch, value):
    monkeypatch.setattr(jobs, "gettext", lambda text: f"<{text}>")
    with pytest.raises(ApplicationError) as caught:
        jobs._date(value, "start")
    assert caught.value.code == "invalid-date"
    assert caught.value.details["fields"] == {"start": [caught.value.message]} and "<(trống)>" in caught.value.message


def test_the_empty_value_has_an_english_entry():
    english = dict(re.findall(r'^msgid "(.+)"\nmsgstr "(.+)"$', PO.read_text(encoding="utf-8"), flags=re.M))
    assert english.get("(trống)") == "(empty)"
