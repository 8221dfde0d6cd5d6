import pytest

from coso.core.text import fold, format_money, name_sort_key


def test_fold_handles_d_stroke():
    assert fold("Nguyễn Văn Đức") == "nguyen van duc"
    assert fold("Đặng") == "dang"


def test_money_format():
    assert format_money(1234567) == "1.234.567 đ"


def test_vietnamese_sort_by_given_name_then_alphabet():
    names = ["Trần Văn Đức", "Nguyễn Thị Anh", "Lê Văn Dũng", "Phạm Ân"]
    assert sorted(names, key=name_sort_key) == ["Nguyễn Thị Anh", "Phạm Ân", "Lê Văn Dũng", "Trần Văn Đức"]


@pytest.mark.django_db
def test_home_and_api_health(client):
    assert client.get("/").status_code == 200
    r = client.get("/api/v1/core/health")
    assert r.status_code == 200 and r.json() == {"status": "ok"}
    r = client.get("/api/v1/core/me")
    assert r.status_code == 401 and r.json()["code"] == "not-authenticated"
