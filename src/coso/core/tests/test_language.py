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


API_401 = "/api/v1/dossiers/inbox"


@pytest.mark.django_db
def test_the_api_speaks_vietnamese_without_a_header(client, english_catalogue):
    r = client.get(API_401)
    assert r.status_code == 401
    assert r.json()["message"] == "Bạn cần đăng nhập hoặc gửi mã truy cập (token)." and r.headers["Content-Language"] == "vi"


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["en", "en-US,en;q=0.9,vi;q=0.5"])
def test_the_api_honours_an_explicit_accept_language(client, english_catalogue, header):
    r = client.get(API_401, HTTP_ACCEPT_LANGUAGE=header)
    assert r.json()["message"] == "Sign in or send an access token." and r.headers["Content-Language"] == "en"
    assert "Accept-Language" in r.headers["Vary"]


@pytest.mark.django_db
def test_an_unknown_accept_language_is_vietnamese(client, english_catalogue):
    r = client.get(API_401, HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert r.headers["Content-Language"] == "vi"


@pytest.mark.django_db
def test_the_cookie_wins_over_the_header(client, english_catalogue):
    client.cookies["django_language"] = "vi"
    r = client.get(API_401, HTTP_ACCEPT_LANGUAGE="en")
    assert r.json()["message"].startswith("Bạn cần đăng nhập") and r.headers["Content-Language"] == "vi"


@pytest.mark.django_db
def test_open311_honours_the_header_and_pages_do_not(client, english_catalogue):
    assert client.get("/open311/v2/services.json", HTTP_ACCEPT_LANGUAGE="en").headers["Content-Language"] == "en"
    assert client.get("/open311/v2/services.json").headers["Content-Language"] == "vi"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en").headers["Content-Language"] == "vi"
