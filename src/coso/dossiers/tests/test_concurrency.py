"""Concurrency on PostgreSQL: no duplicate codes under parallel intake, no lost updates."""

from __future__ import annotations

import datetime as dt
import threading

from django.db import connection, connections
from django.utils import timezone

import pytest
import time_machine

from coso.core.exceptions import ConflictError
from coso.core.tests.threads import side_by_side
from coso.dossiers import services
from coso.dossiers.models import Dossier, DossierApology, DossierEvent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="thread concurrency needs PostgreSQL (SQLite serialises writers)"),
]


def _run(n, target):  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(n)
    results, errors = [], []

    def worker(i):  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            results.append(target(i))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def test_parallel_intake_gives_unique_sequential_codes(users, commune, version):
    def intake(i):  # type: ignore[no-untyped-def]
        return services.receive_at_counter(
            actor=users["onestop"], commune=commune, applicant=services.Applicant(name=f"Nguyễn Văn {i}", phone="0909123456"),
            procedure_version=version, documents=["Tờ khai đăng ký khai sinh"],
        ).code

    results, errors = _run(12, intake)
    assert not errors, errors
    assert len(set(results)) == 12
    suffixes = sorted(int(c.rsplit("-", 1)[1]) for c in results)
    assert suffixes == list(range(1, 13))


def test_two_officers_one_wins(users, commune, version):
    d = services.receive_at_counter(actor=users["onestop"], commune=commune, applicant=services.Applicant(name="Lê Văn An", phone="0909000111"),
                                    procedure_version=version, documents=["Tờ khai đăng ký khai sinh"])
    services.perform(actor=users["onestop"], dossier_id=d.pk, action="forward", expected_version=d.version)
    d.refresh_from_db()
    version_seen = d.version
    actors = [(users["specialist"], "request_supplement"), (users["leader"], "refuse")]

    def go(i):  # type: ignore[no-untyped-def]
        actor, action = actors[i]
        return services.perform(actor=actor, dossier_id=d.pk, action=action, expected_version=version_seen, reason="Lý do xử lý").status

    results, errors = _run(2, go)
    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], ConflictError)
    d.refresh_from_db()
    assert d.status == results[0] and d.version == version_seen + 1
    assert DossierEvent.objects.filter(dossier=d).count() == 3


def test_no_lost_updates_without_versions(users, commune, version):
    """Many forwards/sends-back without a version: row locks serialise them, each is recorded."""
    d = services.receive_at_counter(actor=users["onestop"], commune=commune, applicant=services.Applicant(name="Lê Văn An", phone="0909000111"),
                                    procedure_version=version, documents=["Tờ khai đăng ký khai sinh"])

    def apology_or_assign(i):  # type: ignore[no-untyped-def]
        return services.perform(actor=users["onestop"], dossier_id=d.pk, action="assign", expected_version=None, data={"assignee_id": users["onestop"].pk}).version

    results, errors = _run(8, apology_or_assign)
    assert not errors, errors
    d.refresh_from_db()
    assert d.version == 1 + 8 and sorted(results) == list(range(2, 10))
    assert Dossier.objects.count() == 1


def test_parallel_intake_at_two_communes_for_the_province_shares_one_sequence(users, commune, other_commune):
    """Decree 118/2025 Art. 28: a provincial procedure's dossiers carry the province's identifier, whichever commune received
    them, so intakes at two one-stop offices draw from one (agency, day) sequence: one dossier, one code."""
    from coso.accounts.models import User
    from coso.accounts.roles import Role
    from coso.dossiers.tests.conftest import make_procedure
    from coso.procedures.models import Procedure

    version = make_procedure(code="2.000001", name="Thủ tục cấp tỉnh")
    Procedure.objects.filter(pk=version.procedure_id).update(decision_level="province")
    version.refresh_from_db()
    officer2 = User.objects.create_user(username="onestop_b", password="pw-Coso-2026!", role=Role.ONESTOP_OFFICER, province_code="79",
                                        commune_code=other_commune.code, unit=other_commune)
    pairs = [(users["onestop"], commune), (officer2, other_commune)]

    def intake(i):  # type: ignore[no-untyped-def]
        actor, unit = pairs[i % 2]
        return services.receive_at_counter(
            actor=actor, commune=unit, applicant=services.Applicant(name=f"Nguyễn Văn {i}", phone="0909123456"),
            procedure_version=version, documents=["Tờ khai đăng ký khai sinh"],
        ).code

    results, errors = _run(10, intake)
    assert not errors, errors
    assert len(set(results)) == 10 and all(c.startswith("H79-") for c in results)
    assert sorted(int(c.rsplit("-", 1)[1]) for c in results) == list(range(1, 11))


def test_two_apologies_of_one_commune_side_by_side_get_two_numbers(users, commune, version, monkeypatch):
    """Mẫu 04 is numbered per commune and year (the count of its apologies so far, plus one). Two officers apologising for
    two dossiers at once each lock only their own dossier: the second must still wait for the first's number, not take
    the same one."""

    def at(day: int) -> dt.datetime:
        return timezone.make_aware(dt.datetime(2026, 3, day, 9))

    with time_machine.travel(at(2), tick=False):
        dossiers = [services.receive_at_counter(actor=users["onestop"], commune=commune, applicant=services.Applicant(name=f"Lê Văn {i}", phone="0909000111"),
                                                procedure_version=version, documents=["Tờ khai đăng ký khai sinh"]) for i in range(2)]

    def apologise(d: Dossier):  # type: ignore[no-untyped-def]
        return lambda: services.perform(actor=users["specialist"], dossier_id=d.pk, action="apology", expected_version=d.version,
                                        reason="Chờ xác minh thông tin", data={"new_date": "2026-03-10"})

    with time_machine.travel(at(4), tick=False):  # the first is held once its apology is numbered, before its commit
        _results, errors, waited = side_by_side(monkeypatch, DossierApology, "full_clean", apologise(dossiers[0]), apologise(dossiers[1]))
    assert waited  # the second apology waits for the first one's number to be committed
    assert not errors, errors
    assert sorted(DossierApology.objects.filter(commune_code=commune.code).values_list("number", flat=True)) == [1, 2]
