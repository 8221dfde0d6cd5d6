"""Issue 13 item 16: the JSON API keeps its published OpenAPI schema.

schemathesis generates requests for every operation of /api/v1/openapi.json and checks each answer:
no 5xx, and the body matches the schema of its status code. It runs three times: anonymous, with
the API token of a province administrator and with the token of a commune clerk (one-stop officer).
Every operation is also called with the ids of real objects (so that 200 answers, not only 404s,
are validated), and with invalid input (negative mode: it must be refused with a 4xx, never a 5xx). Bounded and repeatable: a fixed number of examples per operation
(FUZZ_EXAMPLES), derandomised generation, no shrinking, no example database.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from typing import Any

from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hsettings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from coso.accounts.models import ApiToken
from coso.accounts.roles import Role

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def fuzz_world(users, make_user, province, commune, other_commune, foreign_commune, settings, tmp_path):  # type: ignore[no-untyped-def]
    """Objects of every app in the clerk's commune: demo data (without the year of dossiers, which takes
    long) and a few dossiers received through the service."""
    import importlib

    from coso.core.demo import DemoContext
    from coso.dossiers import services as dossier_services
    from coso.dossiers.tests.conftest import make_procedure, pdf_upload
    from coso.units import services as unit_services

    settings.MEDIA_ROOT = str(tmp_path / "media")
    for c, name in ((commune, "Khu phố Một"), (other_commune, "Khu phố Hai")):
        unit_services.village_create(actor=users["sysadmin"], commune=c, name=name, kind="khu_pho", households=123)
    ctx = DemoContext(province=province, communes=[commune, other_commune], scale="province")
    ctx.stdout = open(os.devnull, "w")  # noqa: SIM115
    for path in settings.COSO_DEMO_MODULES:
        if path == "coso.dossiers.demo":
            continue
        with transaction.atomic():
            importlib.import_module(path).build(ctx)
    ctx.stdout.close()
    version = make_procedure("9.999001", "Thủ tục thử nghiệm có giờ cắt", cutoff=dt.time(15, 0))
    applicant = dossier_services.Applicant(name="Nguyễn Văn Đức", phone="0909123456", citizen_id="079090001234")
    d = dossier_services.receive_at_counter(actor=users["onestop"], commune=commune, applicant=applicant, procedure_version=version,
                                            documents=["Tờ khai đăng ký khai sinh"])
    dossier_services.perform(actor=users["onestop"], dossier_id=d.pk, action="forward", expected_version=d.version)
    dossier_services.submit_online(actor=users["citizen"], commune=commune, applicant=applicant, procedure_version=version,
                                   files=[("Tờ khai đăng ký khai sinh", pdf_upload())])
    make_user("fuzz_clerk_other", Role.ONESTOP_OFFICER, foreign_commune)
    return {"commune": commune, "dossier": d, "version": version}


def _real_path_parameters(path: str, world: dict[str, Any]) -> dict[str, Any]:
    """Ids of real objects for an operation's path parameters (by the path segment before each)."""
    from coso.feedback.models import Feedback
    from coso.funding.models import Scenario
    from coso.procedures.models import Procedure
    from coso.units.models import Village
    from coso.workcalendar.models import CalendarOverride
    from coso.workforce.models import Evaluation, Person

    commune = world["commune"]
    found: dict[str, Any] = {}
    for before, name in re.findall(r"/([^/{}]*)/\{(?:int:)?(\w+)\}", path):
        value: Any = None
        if name == "code" and before == "communes":
            value = commune.code
        elif name == "code":
            value = Procedure.objects.order_by("code").values_list("code", flat=True).first()
        elif name == "version_id":
            value = world["version"].pk
        elif name == "village_id":
            value = Village.objects.filter(commune_code=commune.code).values_list("pk", flat=True).first()
        elif name == "override_id":
            value = CalendarOverride.objects.values_list("pk", flat=True).first()
        elif name == "pk" and before == "people":
            value = Person.objects.filter(commune_code=commune.code).values_list("pk", flat=True).first()
        elif name == "pk":
            value = Evaluation.objects.filter(commune_code=commune.code).values_list("pk", flat=True).first()
        elif name == "scenario_id":
            value = Scenario.objects.values_list("pk", flat=True).first()
        elif name == "dossier_id":
            value = world["dossier"].pk
        elif name == "feedback_id":
            qs = Feedback.objects.filter(commune_code=commune.code)
            value = (qs.filter(is_public=True, hidden=False) if before == "public" else qs).values_list("pk", flat=True).first()
        if value is not None:
            found[name] = value
    if "{kind}" in path:
        found["kind"] = "receipt"
    if "{action}" in path:
        found["action"] = "forward"
    if "{fmt}" in path:
        found["fmt"] = "xlsx"
    return found


@pytest.fixture
def wsgi_schema() -> Iterator[Any]:
    """The schema as the app publishes it, and the app behind it, called in-process (same test transaction)."""
    from django.core.wsgi import get_wsgi_application

    # Like Django's test client: the request signals must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _failure_text(exc: BaseException) -> str:
    text = str(exc)
    return text[:1500] + ("…" if len(text) > 1500 else "")


def _fuzz(strategy: Any, headers: dict[str, str], counter: list[int]) -> Any:
    @hsettings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
               suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def call(case: Any) -> None:
        counter[0] += 1
        case.call_and_validate(headers=headers, checks=CHECKS)

    return call


def test_api_answers_conform_to_the_published_schema(fuzz_world, wsgi_schema, users, quiet_logs):  # type: ignore[no-untyped-def]
    tokens = {
        "anonymous": None,
        "province_admin": ApiToken.issue(user=users["province_admin"], name="fuzz")[1],
        "commune_clerk": ApiToken.issue(user=users["onestop"], name="fuzz")[1],
    }
    operations = [result.ok() for result in wsgi_schema.get_all_operations()]
    assert len(operations) > 60
    failures: list[str] = []
    counter = [0]
    for who, token in tokens.items():
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        for op in operations:
            real = _real_path_parameters(op.path, fuzz_world)
            strategies = [op.as_strategy(path_parameters=real)] if real else []
            strategies.append(op.as_strategy())
            strategies.append(op.as_strategy(generation_mode=GenerationMode.NEGATIVE))
            for strategy in strategies:
                call = _fuzz(strategy, headers, counter)
                try:
                    call()
                except Unsatisfiable:
                    pass  # negative mode on an operation without any parameter or body: nothing to break
                except BaseException as exc:  # noqa: BLE001 - schemathesis raises exception groups; collect them all
                    if isinstance(exc, KeyboardInterrupt):
                        raise
                    failures.append(f"[{who}] {op.label}: {_failure_text(exc)}")
    assert counter[0] >= len(operations) * len(tokens), failures[:3]
    assert not failures, "\n\n".join(failures)


@pytest.fixture
def quiet_logs():  # type: ignore[no-untyped-def]
    """Hundreds of expected 4xx answers would flood the log."""
    import logging

    loggers = [logging.getLogger(name) for name in ("django.request", "django.security", "coso.api")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    yield
    for lg, level in zip(loggers, levels, strict=True):
        lg.setLevel(level)


def test_schema_names_are_unique_across_apps():
    """The OpenAPI components are keyed by class name: two apps' schemas with one name and different
    fields publish one of them for both (e.g. funding's and the rule book's RuleOut), so one endpoint's
    documented answer is wrong. Same name → same JSON schema (shared shapes like ErrorOut are fine)."""
    from ninja import Schema

    from coso.api import api

    api.get_openapi_schema()  # every router imported
    seen: dict[str, list[type]] = {}
    stack = list(Schema.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("coso."):
            seen.setdefault(cls.__name__, []).append(cls)
    clashes = []
    for name, classes in seen.items():
        shapes = {repr(sorted(c.model_json_schema().get("properties", {}).items())) for c in classes}
        if len(shapes) > 1:
            clashes.append(f"{name}: " + ", ".join(f"{c.__module__}.{c.__qualname__}" for c in classes))
    assert not clashes, clashes
