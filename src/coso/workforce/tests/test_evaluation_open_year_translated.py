"""The page opening an evaluation answered a year that is not a number ("abc") with a plain "Năm không hợp lệ.", never
collected for translation: English pages showed it in Vietnamese. It now goes through gettext and has an English entry."""

from __future__ import annotations

from coso.workforce.models import Evaluation

from .helpers import person


def test_a_year_that_is_not_a_number_in_english(english_catalogue, users, commune, login):
    p = person(commune)
    c = login(users["home_affairs"])
    r = c.post(f"/workforce/danh-gia/mo/{p.pk}/", {"year": "abc"}, follow=True)
    assert [str(m) for m in r.context["messages"]] == ["Năm không hợp lệ."]
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    r = c.post(f"/workforce/danh-gia/mo/{p.pk}/", {"year": "abc"}, follow=True)
    assert [str(m) for m in r.context["messages"]] == ["The year is not valid."]
    assert not Evaluation.objects.exists()
