"""A figure page that read no figure (a bad period answered 400) remembers no manifest: each bad address an anonymous
visitor typed would otherwise write a row in the cache."""

from __future__ import annotations

from django.core.cache import cache

import pytest

from coso.indices import cache as figures_cache

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/chi-so/cong-khai/?period=2026-13", "/api/v1/indices/scorecard?period=abc"])
def test_a_page_that_read_no_figure_writes_no_manifest(client, path):
    view = {"/chi-so/": "coso.indices.views|public", "/api/v1/": "coso.indices.api|scorecard"}[path[:8]]
    r = client.get(path)
    assert r.status_code == 400
    assert cache.get(figures_cache.manifest_key(f"{view}|{path}|None|vi")) is None


def test_a_page_that_read_figures_still_remembers_them(client):
    path = "/chi-so/cong-khai/?period=2026-11"
    assert client.get(path).status_code == 200
    assert cache.get(figures_cache.manifest_key(f"coso.indices.views|public|{path}|None|vi"))
