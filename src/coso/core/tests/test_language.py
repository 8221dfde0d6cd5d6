import pytest


@pytest.mark.django_db
def test_vietnamese_by_default_even_with_an_english_browser(client):
    r = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert r.status_code == 200
    assert "Trang chủ" in r.content.decode()


@pytest.mark.django_db
def test_english_when_chosen(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    r = client.get("/")
    assert "Home" in r.content.decode()
    assert r.headers["Content-Language"] == "en"


@pytest.mark.django_db
def test_favicon(client):
    assert client.get("/favicon.ico").status_code in (301, 302)
