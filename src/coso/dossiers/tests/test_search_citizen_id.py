"""Search of dossiers by the applicant's citizen id (Decree 13/2023): who sees citizen ids masked must not confirm a
number by its first digits; who sees them in full searches by one, and the read is logged."""

from __future__ import annotations

import importlib

from django.apps import apps as global_apps

import pytest

from coso.core.models import AuditLog, SearchDocument, SearchEntry
from coso.core.search import document_key, search_index_set

CCCD = "079090001234"


def _count(client, q):  # type: ignore[no-untyped-def]
    r = client.get("/api/v1/dossiers/", {"q": q})
    assert r.status_code == 200, (q, r.content)
    return r.json()["count"]


@pytest.mark.django_db
def test_masked_roles_cannot_confirm_the_first_digits_of_a_citizen_id(login, users, receive):
    d = receive(citizen_id=CCCD, phone="0912345678")
    for who in ("finance", "province_finance"):
        c = login(users[who])
        for q in ("07", "079", "0790", "07909", "079090", "0790900", "07909000", "0790900012"):  # 2 to 10 digits
            assert _count(c, q) == 0, (who, q)
            r = c.get("/dossiers/inbox/", {"q": q})
            assert r.status_code == 200 and d.code not in r.content.decode(), (who, q)
        assert _count(c, "07909000123") == 0  # 11 digits: a landline number's length, a plain word (see below)
        for q in ("079090001234", "079090001"):  # whole numbers: refused as before
            r = c.get("/api/v1/dossiers/", {"q": q})
            assert r.status_code == 403 and r.json()["code"] == "citizen-id-search", (who, q)
            assert c.get("/dossiers/inbox/", {"q": q}).status_code == 403
        # the phone (10 digits, by prefix too), the code and the name stay searchable for everyone
        for q in ("0912345678", "0912", d.code, d.code.split("-")[-2], "nguyen van duc"):
            assert _count(c, q) == 1, (who, q)
        r = c.get("/dossiers/inbox/", {"q": "0912345678"})
        assert r.status_code == 200 and d.code in r.content.decode()


@pytest.mark.django_db
def test_who_sees_citizen_ids_searches_by_one_and_the_read_is_logged(login, users, receive):
    d = receive(citizen_id=CCCD, phone="0912345678")
    receive(citizen_id="079090009999", name="Trần Thị Bình", phone="0987000111")
    c = login(users["onestop"])
    assert users["onestop"].sees_personal_data
    before = AuditLog.objects.filter(action=AuditLog.Action.VIEW).count()
    assert _count(c, CCCD) == 1
    assert _count(c, "079090001") == 1  # 9 digits: an old CMND, or a CCCD's first digits
    assert _count(c, f"duc {CCCD}") == 1 and _count(c, f"binh {CCCD}") == 0
    assert _count(c, "0790") == 0  # a short digit word is a phone's or a code's, never a citizen id's
    logs = AuditLog.objects.filter(action=AuditLog.Action.VIEW).order_by("id")[before:]
    found = ("Tra cứu hồ sơ theo số CCCD: 1", [d.pk])
    assert [(log.object_repr, log.after["ids"]) for log in logs] == [found, found, found, ("Tra cứu hồ sơ theo số CCCD: 0", [])]
    r = c.get("/dossiers/inbox/", {"q": CCCD})
    assert r.status_code == 200 and d.code in r.content.decode()
    last = AuditLog.objects.filter(action=AuditLog.Action.VIEW).order_by("-id").first()
    assert last.object_repr == "Tra cứu hồ sơ theo số CCCD: 1" and last.after["ids"] == [d.pk] and last.after["filters"] == {"q": CCCD}
    assert _count(login(users["sysadmin"]), CCCD) == 1


@pytest.mark.django_db
def test_migration_reindexes_the_citizen_ids_of_existing_dossiers(login, users, receive):
    d = receive(citizen_id=CCCD, phone="0912345678")
    plain = receive(citizen_id="", name="Lê Văn Cường", phone="0987000111")
    # indexed as before the fix: the citizen id a plain word
    search_index_set(kind="dossier", object_id=d.pk, texts=[d.code, d.applicant_name, d.applicant_phone, d.applicant_citizen_id],
                     province_code=d.province_code, commune_code=d.commune_code)
    finance = login(users["finance"])
    assert _count(finance, "0790") == 1  # the hole
    before = list(SearchEntry.objects.filter(kind="dossier", object_id=plain.pk).values_list("token", flat=True))
    migration = importlib.import_module("coso.dossiers.migrations.0009_search_citizen_id_marked")
    migration.forwards(global_apps, None)
    assert _count(finance, "0790") == 0 and _count(finance, "0912") == 1 and _count(finance, "nguyen duc") == 1
    tokens = set(SearchEntry.objects.filter(kind="dossier", object_id=d.pk).values_list("token", flat=True))
    assert CCCD not in tokens and f"_i{CCCD}" in tokens
    assert f"_i{CCCD}" in SearchDocument.objects.get(pk=document_key("dossier", d.pk)).terms.split()
    assert list(SearchEntry.objects.filter(kind="dossier", object_id=plain.pk).values_list("token", flat=True)) == before
    assert _count(login(users["onestop"]), CCCD) == 1
    migration.backwards(global_apps, None)
    assert CCCD in set(SearchEntry.objects.filter(kind="dossier", object_id=d.pk).values_list("token", flat=True))


@pytest.mark.django_db
def test_migration_drops_the_counts_of_the_old_plain_citizen_ids(receive):
    """The word statistics kept each old plain citizen id (with its count) until the nightly recount: personal data in
    a table nobody searches. Migration 0010 drops the counts of words no entry has any more, and only those."""
    from coso.core.models import SearchWordCount
    from coso.core.search import search_stats_refresh

    d = receive(citizen_id=CCCD, phone="0912345678")
    search_index_set(kind="dossier", object_id=d.pk, texts=[d.code, d.applicant_name, d.applicant_phone, d.applicant_citizen_id],
                     province_code=d.province_code, commune_code=d.commune_code)
    search_stats_refresh(kind="dossier")
    assert SearchWordCount.objects.filter(kind="dossier", token=CCCD).exists()
    importlib.import_module("coso.dossiers.migrations.0009_search_citizen_id_marked").forwards(global_apps, None)
    kept = set(SearchWordCount.objects.filter(kind="dossier").exclude(token=CCCD).values_list("token", "entries"))
    importlib.import_module("coso.dossiers.migrations.0010_search_counts_without_plain_citizen_ids").forwards(global_apps, None)
    assert not SearchWordCount.objects.filter(kind="dossier", token=CCCD).exists()
    assert set(SearchWordCount.objects.filter(kind="dossier").values_list("token", "entries")) == kept  # the rest as counted
    assert ("", 1) in kept and "0912345678" in {t for t, _ in kept}  # the objects' count and the phone word stay


@pytest.mark.django_db
def test_a_landline_number_of_eleven_digits_finds_its_dossier_for_every_role(login, users, receive):
    d = receive(citizen_id="079090001234", phone="02838123456")
    for who in ("onestop", "finance", "province_finance"):
        c = login(users[who])
        assert _count(c, "02838123456") == 1, who
        assert _count(c, "07909000123") == 0, who  # a CCCD's first 11 digits are not a phone
        r = c.get("/dossiers/inbox/", {"q": "02838123456"})
        assert r.status_code == 200 and d.code in r.content.decode()
