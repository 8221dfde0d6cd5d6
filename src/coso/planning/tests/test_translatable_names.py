"""The planning terms and the catalogue's course names were plain Vietnamese strings, shown untranslated on English pages
(the list titles, the term filter, the courses and the training plan): they are now marked for translation and the English
catalogue has each of them."""

import re
from pathlib import Path

from django.utils.functional import Promise
from django.utils.translation import override

from coso.planning import catalogue
from coso.planning.models import Course

PO = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _english() -> dict[str, str]:
    text = PO.read_text(encoding="utf-8")
    return dict(re.findall(r'^msgid "(.+)"\nmsgstr "(.+)"$', text, re.M))


def test_term_labels_and_course_names_are_translatable():
    en = _english()
    for term in catalogue.TERMS.values():
        assert isinstance(term["label"], Promise)
        with override("vi"):
            assert en.get(str(term["label"])), term["label"]
    for kind in catalogue.COURSE_KINDS.values():
        assert en.get(kind["name"]), kind["name"]
    choices = dict(Course._meta.get_field("kind").choices)
    assert all(isinstance(label, Promise) for label in choices.values())
