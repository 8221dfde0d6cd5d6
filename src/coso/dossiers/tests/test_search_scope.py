"""Name search within the user's unit: an officer's search reads the search index of their province (and commune),
never the whole country's, and finds exactly what their list holds."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest
import time_machine

from coso.accounts.roles import Role
from coso.dossiers import selectors
from coso.dossiers import services as dossiers
from coso.dossiers.tests.conftest import make_procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def received(users, make_user, commune, other_commune, foreign_commune):  # type: ignore[no-untyped-def]
    """The same applicant name received in two communes of province 79 and in one of province 01."""
    users["foreign_onestop"] = make_user("foreign_onestop", Role.ONESTOP_OFFICER, foreign_commune)
    version = make_procedure()
    out = {}
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0), tick=False):
        for key, actor, unit in (("own", "onestop", commune), ("other", "other_onestop", other_commune),
                                 ("foreign", "foreign_onestop", foreign_commune)):
            out[key] = dossiers.receive_at_counter(
                actor=users[actor], commune=unit, applicant=dossiers.Applicant(name="Nguyễn Văn Đức", phone="0909123456"),
                procedure_version=version, documents=["Tờ khai đăng ký khai sinh"])
    return out


def _found(user, query: str) -> set[int]:  # type: ignore[no-untyped-def]
    return set(selectors.dossier_list(fetched_by=user, query=query).values_list("pk", flat=True))


@pytest.mark.parametrize("query", ["nguyen van duc", "Đức", "van duc"])
def test_each_user_finds_their_units_dossiers(users, received, query):  # type: ignore[no-untyped-def]
    ids = {k: d.pk for k, d in received.items()}
    assert _found(users["onestop"], query) == {ids["own"]}
    assert _found(users["other_onestop"], query) == {ids["other"]}
    assert _found(users["foreign_onestop"], query) == {ids["foreign"]}
    assert _found(users["province_admin"], query) == {ids["own"], ids["other"]}
    assert _found(users["sysadmin"], query) == set(ids.values())
    inbox = selectors.inbox(fetched_by=users["onestop"], query=query)
    assert [d.pk for d in inbox.mine] == [ids["own"]]


def test_an_officers_search_reads_the_index_of_their_unit_only(users, received, commune):  # type: ignore[no-untyped-def]
    """The index entries read carry the unit's codes: the search costs what the unit holds, not what the country holds.
    One word reads the word index by the unit's columns, several the full-text index with the unit's tokens."""
    with CaptureQueriesContext(connection) as ctx:
        assert _found(users["onestop"], "Đức") == {received["own"].pk}
    entry_reads = [q["sql"] for q in ctx.captured_queries if "core_searchentry" in q["sql"]]
    assert entry_reads and all('"province_code"' in sql and '"commune_code"' in sql for sql in entry_reads)
    unit = (f"_p{commune.province_code}", f"_c{commune.code}")
    with CaptureQueriesContext(connection) as ctx:
        assert _found(users["onestop"], "nguyen van duc") == {received["own"].pk}
    document_reads = [q["sql"] for q in ctx.captured_queries if "searchdocument" in q["sql"]]
    assert document_reads and all(unit[0] in sql and unit[1] in sql for sql in document_reads)
    with CaptureQueriesContext(connection) as ctx:
        _found(users["sysadmin"], "nguyen van duc")
    document_reads = [q["sql"] for q in ctx.captured_queries if "searchdocument" in q["sql"]]
    assert document_reads and not any(unit[0] in sql for sql in document_reads)


@pytest.mark.parametrize("module", ["coso.dossiers.migrations.0007_search_entry_units", "coso.feedback.migrations.0006_search_entry_units",
                                    "coso.workforce.migrations.0003_search_entry_units"])
def test_the_migrations_give_old_entries_their_objects_unit(received, module):  # type: ignore[no-untyped-def]
    """Entries left in an old commune by an earlier reorganisation take their object's unit (the data migrations)."""
    import importlib

    from django.apps import apps

    from coso.core.models import SearchEntry

    migration = importlib.import_module(module)
    own = received["own"]
    stale = SearchEntry.objects.filter(kind="dossier", object_id=own.pk)
    n = stale.update(commune_code="99999", province_code="98")
    migration.forwards(apps, None)
    units = set(stale.values_list("province_code", "commune_code"))
    if migration.KIND == "dossier":
        assert units == {(own.province_code, own.commune_code)}
    else:  # another kind's migration leaves the dossier entries alone
        assert units == {("98", "99999")} and stale.count() == n
