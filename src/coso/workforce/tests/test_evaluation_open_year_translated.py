"""The page opening an evaluation answered a year that is not a number ("abc") with a plain "Năm không hợp lệ.", never
collected for translation: English pages showed it in Vietnamese. It now goes through gettext and has an English entry."""

from __future__ import annotations

import subprocess
from pathlib import Path

from django.utils.translation import trans_real

import pytest

from coso.workforce.models import Evaluation

from .helpers import person


@pytest.fixture
def english(tmp_path, settings):  # type: ignore[no-untyped-def]
    """The English catalogue compiled from the .po as it stands (the committed .mo may lag behind its new entries)."""
    po = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"
    target = tmp_path / "en" / "LC_MESSAGES"
    target.mkdir(parents=True)
    subprocess.run(["msgfmt", "-o", str(target / "django.mo"), str(po)], check=True)  # noqa: S603, S607 - a test's own tool
    settings.LOCALE_PATHS = [str(tmp_path), *settings.LOCALE_PATHS]
    trans_real._translations = {}
    trans_real._active = trans_real.Local()
    yield
    trans_real._translations = {}
    trans_real._active = trans_real.Local()


def test_a_year_that_is_not_a_number_in_english(english, users, commune, login):
    p = person(commune)
    c = login(users["home_affairs"])
    r = c.post(f"/workforce/danh-gia/mo/{p.pk}/", {"year": "abc"}, follow=True)
    assert [str(m) for m in r.context["messages"]] == ["Năm không hợp lệ."]
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    r = c.post(f"/workforce/danh-gia/mo/{p.pk}/", {"year": "abc"}, follow=True)
    assert [str(m) for m in r.context["messages"]] == ["The year is not valid."]
    assert not Evaluation.objects.exists()
