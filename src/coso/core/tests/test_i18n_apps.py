"""The domain apps' public pages follow the chosen language (Vietnamese by default, English on request)."""

import pytest

PAGES = {
    "/procedures/": {
        "vi": ["Thủ tục hành chính cấp xã", "Tìm"],
        "en": ["Commune-level administrative procedures", "Search", "All fields"],
    },
    "/dossiers/lookup/": {
        "vi": ["Tra cứu tình trạng hồ sơ", "4 số cuối điện thoại"],
        "en": ["Look up dossier status", "Last 4 digits of phone number", "Dossier code"],
    },
    "/feedback/": {
        "vi": ["Gửi phản ánh", "Tìm (không cần dấu)"],
        "en": ["Send feedback", "Search (diacritics optional)"],
    },
}


@pytest.mark.django_db
@pytest.mark.parametrize("url", list(PAGES))
def test_public_pages_are_vietnamese_by_default(client, url):
    r = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert r.status_code == 200
    html = r.content.decode()
    for text in PAGES[url]["vi"]:
        assert text in html
    for text in PAGES[url]["en"]:
        assert text not in html


@pytest.mark.django_db
@pytest.mark.parametrize("url", list(PAGES))
def test_public_pages_in_english_when_chosen(client, url):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    r = client.get(url)
    assert r.status_code == 200
    assert r.headers["Content-Language"] == "en"
    html = r.content.decode()
    for text in PAGES[url]["en"]:
        assert text in html
    for text in PAGES[url]["vi"]:
        assert text not in html


@pytest.mark.django_db
def test_dossier_lookup_error_in_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    r = client.get("/dossiers/lookup/", {"code": "X-0000-000000", "phone": "12ab"})
    assert r.status_code == 200
    assert "Enter exactly the last 4 digits of the phone number." in r.content.decode()
