"""The public index page reads its figures inside ``@page_of_figures`` like the other figure pages: shown again, it
reads its figures ahead in a few cache queries (nothing computed, nothing written), never a stale one after an event,
and what it shows is the same for every visitor (the decorator caches recipes per address and viewer, not pages)."""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from coso.indices import services

pytestmark = pytest.mark.django_db


def _shown(html: bytes | str) -> str:
    """The page without what changes with each response (the CSP nonce, the CSRF token)."""
    text = html.decode() if isinstance(html, bytes) else html
    return re.sub(r"[A-Za-z0-9+/=_-]{20,}", "", text)


def _cache_queries(client, url):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        r = client.get(url)
    assert r.status_code == 200
    return r, [q["sql"] for q in queries.captured_queries if "coso_cache" in q["sql"]]


def test_the_public_page_reads_its_figures_ahead_and_never_a_stale_one(november, province, commune, client, users, login,
                                                                       make_dossier, django_capture_on_commit_callbacks):
    services.rollups_rebuild()
    url = f"/chi-so/cong-khai/?province={province.code}&period=2026-11"
    first, _ = _cache_queries(client, url)
    _cache_queries(client, url)  # the page's manifest now lists every figure it reads
    again, reads = _cache_queries(client, url)
    assert _shown(again.content) == _shown(first.content)
    assert len(reads) == 3 and all(q.lstrip().startswith("SELECT") for q in reads)  # the manifest, the generations, the figures
    # a signed-in visitor sees the same page (nothing per viewer is read)
    signed_in = _shown(login(users["other_leader"]).get(url).content)
    assert re.search(r'<table id="ranking".*?</table>', signed_in, re.S)[0] == re.search(r'<table id="ranking".*?</table>', _shown(first.content), re.S)[0]
    with django_capture_on_commit_callbacks(execute=True):
        make_dossier(commune, received=dt.date(2026, 11, 12), finished=dt.date(2026, 11, 13), timeliness="on_time")
    after = client.get(f"/api/v1/indices/scorecard?level=province&code={province.code}&period=2026-11").json()
    html = client.get(url).content.decode()
    assert _shown(html) != _shown(first.content)
    assert after["groups"]  # the API and the page read the same new generation


def test_parameters_no_figure_page_reads_write_no_manifest_of_their_own(november, province, client):
    """Anyone may open the public page: an address with parameters the page does not read (?utm_source=…, ?x=1) is the
    same page and reads the same manifest ahead, instead of leaving a cache row per address typed."""
    services.rollups_rebuild()
    url = f"/chi-so/cong-khai/?province={province.code}&period=2026-11"
    _cache_queries(client, url)
    _cache_queries(client, url)
    for junk in ("utm_source=zalo", "x=1", "x=2&y=3"):
        r, reads = _cache_queries(client, f"{url}&{junk}")
        assert len(reads) == 3 and all(q.lstrip().startswith("SELECT") for q in reads), (junk, reads)
