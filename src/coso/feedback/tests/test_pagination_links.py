"""The shared pagination (components/_pagination.html) on a list page: the links to other pages keep every value of a
repeated query parameter, not only its last one."""

from __future__ import annotations

import html
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.django_db


def _links(body: str) -> list[dict[str, list[str]]]:
    nav = body[body.index('class="pagination"'):]
    nav = nav[: nav.index("</nav>")]
    hrefs = [html.unescape(part.split('"', 1)[0]) for part in nav.split('href="')[1:]]
    return [parse_qs(urlsplit(h).query) for h in hrefs]


def test_page_links_keep_every_value_of_a_repeated_filter(login, users, submit):
    for _ in range(21):  # 20 a page: two pages
        submit(actor=users["citizen"])
    c = login(users["citizen"])
    r = c.get("/feedback/mine/", {"status": ["processing", "answered"], "q": "rác & bụi"})
    assert r.status_code == 200
    [next_page] = _links(r.content.decode())
    assert next_page == {"status": ["processing", "answered"], "q": ["rác & bụi"], "page": ["2"]}
    r = c.get("/feedback/mine/", {"status": ["processing", "answered"], "q": "rác & bụi", "page": "2"})
    [previous_page] = _links(r.content.decode())
    assert previous_page == {"status": ["processing", "answered"], "q": ["rác & bụi"], "page": ["1"]}
