"""Scoping proof over EVERY route: each Django URL pattern and each django-ninja operation.

Nothing here names an app's routes: the test walks the URL resolver (the API's operations
are URL patterns too) and the data come from every app's demo builder and test factories,
so routes and models added later are covered without editing this file.

For each route with parameters (an object id or code):
  * a user of ANOTHER unit (another commune of the same province, another province), a
    citizen who owns nothing and an anonymous visitor must not get a 2xx carrying the object's
    data (its text values or, for JSON, its id); they may get 404/403/401/405/422 or a
    redirect to the login page; a POST (and, for API operations, every declared write
    method, with an empty JSON body) must neither change nor delete the object;
  * where the route surely names the object's model, an outsider gets the very answer that a
    nonexistent object of the same shape gets: a 403, 409 or 422 where a bogus id gets 404
    would tell them the object exists;
  * nobody, including a system administrator with a bogus id, may get a 500.
For each route without parameters: GET as every role (and anonymous) never answers 500.

Objects flagged public (is_public / is_published / published) are public by design and
skipped. Routes it could not fill with an object are still requested with bogus values.
Run with ``-s`` to print the coverage table.
"""

from __future__ import annotations

import html
import importlib
import inspect
import json
import re
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

import pytest
from conftest import verify_session

from coso.accounts.roles import Role

pytestmark = pytest.mark.django_db

BOGUS_INT = 987654321
BOGUS_STR = "zz-khong-co-zz"
SKIP_NAMES = {"logout", "set_language"}  # they end the session / only switch language
SKIP_PREFIXES = ("static/", "media/", "__debug__/")
PUBLIC_FLAGS = ("is_public", "is_published", "published", "public")
LOGIN_PATHS = ("/accounts/login/", "/admin/login/")
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


@dataclass
class Route:
    template: str  # e.g. "units/villages/<int:pk>/edit/" or a regex for old-style patterns
    params: list[tuple[str, str]]  # (name, converter: int|str|slug|uuid|path|regex)
    callback: Any
    name: str
    app_label: str | None
    operations: list[Any] = field(default_factory=list)  # ninja operations behind this pattern

    @property
    def is_api(self) -> bool:
        return bool(self.operations)

    @property
    def api_methods(self) -> set[str]:
        return {m for op in self.operations for m in op.methods}

    @property
    def api_public(self) -> bool:
        return any(not op.auth_callbacks for op in self.operations)

    def label(self) -> str:
        return f"/{self.template}" + (f" [{self.name}]" if self.name else "")


_CONVERTER_NAMES = {"IntConverter": "int", "StringConverter": "str", "SlugConverter": "slug", "UUIDConverter": "uuid", "PathConverter": "path"}
_GROUP = re.compile(r"\(\?P<(\w+)>([^)]*)\)")


def _ninja_operations(callback: Any) -> list[Any]:
    from ninja.operation import PathView

    for cell in getattr(callback, "__closure__", None) or ():
        try:
            content = cell.cell_contents
        except ValueError:
            continue
        if isinstance(content, PathView):
            return list(content.operations)
    return []


def _app_label(module: str | None) -> str | None:
    if not module:
        return None
    config = apps.get_containing_app_config(module)
    return config.label if config else None


def _pattern_parts(pattern: Any) -> tuple[str, list[tuple[str, str]]]:
    if isinstance(pattern, RoutePattern):
        params = [(name, _CONVERTER_NAMES.get(type(conv).__name__, "str")) for name, conv in pattern.converters.items()]
        return str(pattern), params
    if isinstance(pattern, RegexPattern):
        text = str(pattern).lstrip("^").rstrip("$").replace("\\Z", "")
        params = [(name, "regex:" + body) for name, body in _GROUP.findall(text)]
        return text, params
    return str(pattern), []


def all_routes() -> list[Route]:
    routes: list[Route] = []

    def walk(resolver: URLResolver, prefix: str, params: list[tuple[str, str]], namespace: str) -> None:
        for entry in resolver.url_patterns:
            text, own = _pattern_parts(entry.pattern)
            if isinstance(entry, URLResolver):
                ns = ":".join(x for x in (namespace, entry.namespace or "") if x)
                walk(entry, prefix + text, params + own, ns)
            elif isinstance(entry, URLPattern):
                callback = entry.callback
                operations = _ninja_operations(callback)
                if operations:
                    module = operations[0].view_func.__module__
                else:
                    view = getattr(callback, "view_class", None) or inspect.unwrap(callback)
                    module = getattr(view, "__module__", None)
                name = ":".join(x for x in (namespace, entry.name or "") if x)
                routes.append(Route(prefix + text, params + own, callback, name, _app_label(module), operations))

    walk(get_resolver(), "", [], "")
    return routes


# --- The world: units, users of every role, demo data and factory objects ----------------------------


@pytest.fixture
def world(users, make_user, province, commune, other_commune, foreign_commune):  # type: ignore[no-untyped-def]
    from coso.core.demo import DemoContext
    from coso.units import services as unit_services

    notes: list[str] = []
    # Units' own objects, so the units routes always have real ids.
    for c, name in ((commune, "Khu phố Bí Mật Một"), (other_commune, "Khu phố Bí Mật Hai")):
        unit_services.village_create(actor=users["sysadmin"], commune=c, name=name, kind="khu_pho", households=123)
    ctx = DemoContext(province=province, communes=[commune, other_commune], scale="province")
    ctx.stdout = open("/dev/null", "w")  # noqa: SIM115
    for path in settings.COSO_DEMO_MODULES:
        started = time.perf_counter()
        try:
            module = importlib.import_module(path)
            with transaction.atomic():
                module.build(ctx)
        except Exception as exc:  # noqa: BLE001 - a builder under construction must not hide the others
            notes.append(f"demo {path}: {type(exc).__name__}: {exc}"[:200])
        notes.append(f"demo {path}: {time.perf_counter() - started:.1f}s")
    ctx.stdout.close()
    for config in apps.get_app_configs():
        if not config.name.startswith("coso."):
            continue
        try:
            factories = importlib.import_module(f"{config.name}.tests.factories")
        except ImportError:
            continue
        for obj in vars(factories).values():
            meta = getattr(obj, "_meta", None)
            if not (inspect.isclass(obj) and hasattr(obj, "create") and getattr(meta, "model", None) is not None) or getattr(meta, "abstract", False):
                continue
            try:
                with transaction.atomic():
                    obj.create()
            except Exception as exc:  # noqa: BLE001
                notes.append(f"factory {config.label}.{obj.__name__}: {type(exc).__name__}"[:200])
    foreign_admin = make_user("foreign_admin", Role.PROVINCE_ADMIN, foreign_commune.parent)
    foreign_leader = make_user("foreign_leader", Role.COMMUNE_LEADER, foreign_commune)
    nobody = make_user("citizen_nobody", Role.CITIZEN)
    return {"users": users, "foreign_admin": foreign_admin, "foreign_leader": foreign_leader, "nobody": nobody, "notes": notes,
            "commune": commune, "other_commune": other_commune}


def _codes(obj: models.Model) -> tuple[str, str]:
    return str(getattr(obj, "province_code", "") or ""), str(getattr(obj, "commune_code", "") or "")


def _model_score(model: type[models.Model], route: Route) -> int:
    """How likely the route's parameters refer to this model ("scenario_id", "scenarios/<pk>")."""
    name = model._meta.model_name or ""
    score = 0
    for param, _conv in route.params:
        if name in param.lower().replace("_", ""):
            score = max(score, 3)
    # Only what comes before the last parameter names the object: after it comes a sub-collection of that object
    # ("people/<pk>/positions" names a person, not one of its positions: a position's id there is a person's id, which
    # may be the outsider's own person).
    template = route.template.lower()
    last = template.rfind("<")
    for segment in re.split(r"[/<>:.]", template[:last] if last >= 0 else template):
        segment = segment.replace("-", "").replace("_", "")
        if segment and (segment == name or segment.rstrip("s") == name or name.startswith(segment.rstrip("s"))):
            score = max(score, 2)
    return score


def tenant_objects(app_label: str, commune_code: str, province_code: str, route: Route, per_route: int = 2) -> list[models.Model]:
    """Objects of the app's tenant models, the models the route most likely refers to first: a commune-level
    object of the given commune, else a province-level one (no commune code) of its province.
    Public-by-design objects are left out."""
    found: list[tuple[int, models.Model]] = []
    try:
        config = apps.get_app_config(app_label)
    except LookupError:
        return found
    for model in config.get_models():
        names = {f.name for f in model._meta.concrete_fields}
        if "province_code" not in names:
            continue
        qs = model._default_manager.filter(province_code=province_code)
        if "commune_code" in names:
            qs_commune = qs.filter(commune_code=commune_code)
            obj = qs_commune.order_by("pk").first() or qs.filter(commune_code="").order_by("pk").first()
        else:
            obj = next((o for o in qs.order_by("pk")[:200] if _codes(o)[1] == commune_code), None) or qs.order_by("pk").first()
        if obj is None or any(bool(getattr(obj, flag, False)) for flag in PUBLIC_FLAGS):
            continue
        found.append((_model_score(model, route), obj))
    if any(score >= 3 for score, _obj in found):  # the route's parameter names its model ("directive_id"): only that one
        found = [so for so in found if so[0] >= 3]
    found.sort(key=lambda so: (-so[0], 0 if _codes(so[1])[1] else 1))
    return [obj for _score, obj in found[:per_route]]


_SKIP_MARKER_FIELDS = {"password", "token_hash", "province_code", "commune_code", "name_folded", "codename"}
# Fields that name something public rather than the row: a rule's key is a declared, documented identifier (its
# province's values are what must not show, and those fields are still checked).
# A province gives the same task (title, expected product) to many communes at once: each commune sees the text on
# its own copy, so that text identifies the directive, not the row.
_PUBLIC_IDENTIFIERS = {("rules.Rule", "key"), ("tasks.Task", "title"), ("tasks.Task", "expected_product")}


def markers(obj: models.Model) -> set[str]:
    """Distinctive text values of an object: if one shows up in a response, the object leaked."""
    out: set[str] = set()
    unit_names = set()
    for f in obj._meta.concrete_fields:
        if not isinstance(f, (models.CharField, models.TextField)) or f.choices or f.name in _SKIP_MARKER_FIELDS:
            continue
        if (obj._meta.label, f.name) in _PUBLIC_IDENTIFIERS:
            continue
        value = getattr(obj, f.attname)
        if isinstance(value, str) and re.fullmatch(r"[a-z0-9_]+", value.strip()):
            continue  # a catalogue code ("dang_uy", "cv_vp"): many objects share it, it identifies none
        if isinstance(value, str) and len(value.strip()) >= 6 and value.strip() not in unit_names:
            out.add(value.strip()[:120])
    return out


def _value(name: str, conv: str, obj: models.Model | None) -> str:
    if conv.startswith("regex:"):
        body = conv[6:]
        if re.fullmatch(r"[\w|-]+", body):  # alternation of literals
            return body.split("|")[0]
        conv = "int" if ("\\d" in body or "0-9" in body) else "str"
    if conv == "uuid":
        if obj is not None:
            for f in obj._meta.concrete_fields:
                if isinstance(f, models.UUIDField):
                    return str(getattr(obj, f.attname))
        return str(uuid.UUID(int=BOGUS_INT))
    if obj is None:
        return str(BOGUS_INT) if conv == "int" else BOGUS_STR
    lname = name.lower()
    if conv == "int" or lname in ("pk", "id") or lname.endswith(("_id", "_pk")):
        return str(obj.pk)
    if lname == "province_code":
        return _codes(obj)[0]
    if lname == "commune_code":
        return _codes(obj)[1] or _codes(obj)[0]
    for attr in (lname, "code", "slug", "token"):
        value = getattr(obj, attr, None)
        if isinstance(value, str) and value:
            return value
    return str(obj.pk)


def _bogus_like(value: str) -> str:
    """A value of the same shape as ``value`` that names nothing: a number for a number, a UUID for a UUID."""
    if value.isdigit():
        return str(BOGUS_INT)
    try:
        uuid.UUID(value)
    except ValueError:
        return BOGUS_STR
    return str(uuid.UUID(int=BOGUS_INT))


def build_url(route: Route, obj: models.Model | None, *, bogus: bool = False) -> str | None:
    """The route's URL naming ``obj`` (bogus values when ``obj`` is None); with ``bogus``, values of the same
    shape as ``obj``'s that name nothing."""
    url = route.template
    for name, conv in route.params:
        value = _value(name, conv, obj)
        if bogus:
            value = _bogus_like(value)
        if conv.startswith("regex:"):
            url = url.replace(f"(?P<{name}>{conv[6:]})", value, 1)
        else:
            url = re.sub(rf"<(\w+:)?{name}>", value, url, count=1)
    url = url.replace("\\.", ".")
    if re.search(r"[()\[\]^$*+?\\<>{}|]", url):
        return None  # an old-style regex we cannot fill
    return "/" + url


# Public by design: anyone may read any commune's units and the rule book (laws are public).
PUBLIC_MODELS = {"units.administrativeunit", "rules.rule"}


def _names_it(route: Route, obj: models.Model, url: str) -> bool:
    """Whether ``url`` surely names ``obj``: the route is about its model and the URL resolves (a code that is
    not a slug, say, makes a URL Django never routes)."""
    if obj._meta.label_lower in PUBLIC_MODELS or _model_score(type(obj), route) < 2:
        return False
    try:
        resolve(url.split("?")[0])
    except Resolver404:
        return False
    return True


def _is_login_redirect(r: Any) -> bool:
    return r.status_code in (301, 302, 303) and any(r.get("Location", "").startswith(p) or p in r.get("Location", "") for p in LOGIN_PATHS)


def _leaks(r: Any, obj: models.Model, baseline: str, method: str, route: Route) -> str | None:
    """Why this response leaks ``obj`` (None when it does not)."""
    status = r.status_code
    if status >= 500:
        return f"{status}"
    if method != "GET":
        return None  # writes are judged by whether the object changed (see _row)
    if not (200 <= status < 300):
        return None
    body = r.content.decode("utf-8", "replace") if r.get("Content-Type", "").startswith(("text/", "application/json")) else ""
    for m in markers(obj):
        if (m in body or html.escape(m) in body) and m not in baseline and html.escape(m) not in baseline:
            return f"{status} shows {m[:40]!r}"
    if route.is_api and body:
        try:
            data = json.loads(body)
        except ValueError:
            data = None
        if isinstance(data, dict) and data.get("id") == obj.pk and _model_score(type(obj), route) >= 2:
            return f"{status} returns id {obj.pk}"
    return None


def _row(obj: models.Model) -> dict[str, Any] | None:
    return type(obj)._default_manager.filter(pk=obj.pk).values().first()


def _request(client: Client, method: str, url: str, *, api: bool) -> Any:
    if method == "GET":
        return client.get(url)
    if api:
        return client.generic(method, url, data="{}", content_type="application/json")
    return client.post(url, {})


@pytest.fixture
def quiet_logs():  # type: ignore[no-untyped-def]
    """Thousands of expected 404/403 answers would flood the log."""
    import logging

    loggers = [logging.getLogger(name) for name in ("django.request", "django.security", "coso.api")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    yield
    for lg, level in zip(loggers, levels, strict=True):
        lg.setLevel(level)


def test_every_route_is_scoped_and_never_500(world, quiet_logs, capsys):  # type: ignore[no-untyped-def]
    users = world["users"]
    routes = [r for r in all_routes() if not r.template.startswith(SKIP_PREFIXES) and r.name.split(":")[-1] not in SKIP_NAMES]
    clients: dict[str, Client] = {}

    def client_for(key: str, user: Any) -> Client:
        if key not in clients:
            c = Client(raise_request_exception=bool(__import__("os").environ.get("COSO_DEBUG_ROUTES")))
            if user is not None:
                c.force_login(user)
                verify_session(c, user)  # administrators: as after the sign-in's code step
            clients[key] = c
        return clients[key]

    role_users = {
        "anonymous": None, "citizen": users["citizen"], "onestop": users["onestop"], "specialist": users["specialist"], "leader": users["leader"],
        "home_affairs": users["home_affairs"], "finance": users["finance"], "province_home_affairs": users["province_home_affairs"],
        "province_finance": users["province_finance"], "province_admin": users["province_admin"], "sysadmin": users["sysadmin"],
    }

    def outsiders(obj: models.Model) -> dict[str, Any]:
        """Who must not see ``obj``: anonymous, a citizen who owns nothing, a province user of another province
        and, for a commune-level object, staff of another commune."""
        p, c = _codes(obj)
        chosen: dict[str, Any] = {"anonymous": None, "nobody": world["nobody"]}
        chosen["foreign_admin" if p != world["foreign_admin"].province_code else "province_admin"] = (
            world["foreign_admin"] if p != world["foreign_admin"].province_code else users["province_admin"]
        )
        if c:
            chosen["other_leader" if c != users["other_leader"].commune_code else "leader"] = (
                users["other_leader"] if c != users["other_leader"].commune_code else users["leader"]
            )
        return chosen

    failures: list[str] = []
    coverage: dict[str, str] = {}
    counts: Counter[str] = Counter()
    commune = world["commune"]

    for route in routes:
        methods = ["GET"]
        if route.is_api:
            methods = sorted(route.api_methods, key=lambda m: (m != "GET", m))
        if not route.params:
            # A list or a create page: no 500 for any role (GET; API writes with an empty body too).
            for key, user in role_users.items():
                for method in methods:
                    if method != "GET" and key not in ("anonymous", "onestop", "province_admin", "sysadmin"):
                        continue
                    r = _request(client_for(key, user), method, "/" + route.template, api=route.is_api)
                    counts["requests"] += 1
                    if r.status_code >= 500:
                        failures.append(f"{method} /{route.template} as {key}: {r.status_code}")
            coverage[route.label()] = "list: all roles"
            continue

        # Bogus values: never 500, for an insider (system admin) and an outsider.
        bogus_url = build_url(route, None)
        if bogus_url is None:
            coverage[route.label()] = "SKIPPED: cannot build a URL from this pattern"
            counts["unfillable"] += 1
            continue
        baseline: dict[str, str] = {}
        bogus_status: dict[tuple[str, str, str], int] = {}  # (bogus URL, user, method) -> status
        insiders_and_outsiders = (
            ("sysadmin", users["sysadmin"]), ("anonymous", None), ("nobody", world["nobody"]), ("other_leader", users["other_leader"]),
            ("leader", users["leader"]), ("foreign_admin", world["foreign_admin"]), ("province_admin", users["province_admin"]),
        )
        for key, user in insiders_and_outsiders:
            for method in methods if route.is_api else ["GET", "POST"]:
                if method != "GET" and key not in ("sysadmin", "anonymous", "other_leader"):
                    continue
                r = _request(client_for(key, user), method, bogus_url, api=route.is_api)
                counts["requests"] += 1
                if r.status_code >= 500:
                    failures.append(f"{method} {bogus_url} (bogus id) as {key}: {r.status_code}")
                if method == "GET":
                    baseline[key] = r.content.decode("utf-8", "replace")
        objects = tenant_objects(route.app_label or "", commune.code, commune.province_code, route)
        filled = 0
        for obj in objects:
            url = build_url(route, obj)
            if url is None or url == bogus_url:
                continue
            filled += 1
            # The owner side may answer anything but 500.
            r = client_for("sysadmin", users["sysadmin"]).get(url)
            counts["requests"] += 1
            if r.status_code >= 500:
                failures.append(f"GET {url} as sysadmin: {r.status_code}")
            for key, user in outsiders(obj).items():
                for method in methods if route.is_api else ["GET", "POST"]:
                    if method not in ("GET", *WRITE_METHODS):
                        continue
                    before = _row(obj) if method != "GET" else None
                    r = _request(client_for(key, user), method, url, api=route.is_api)
                    counts["requests"] += 1
                    why = _leaks(r, obj, baseline.get(key, ""), method, route)
                    like = build_url(route, obj, bogus=True) if _names_it(route, obj, url) else None
                    if like is not None and (like, key, method) not in bogus_status:
                        bogus_status[(like, key, method)] = _request(client_for(key, user), method, like, api=route.is_api).status_code
                        counts["requests"] += 1
                        counts["answers compared with a nonexistent object's"] += 1
                    told = bogus_status.get((like or "", key, method))
                    if not why and told is not None and r.status_code != told and not (r.status_code in (301, 302, 303, 307, 308) and told in (301, 302, 303, 307, 308)):
                        # Another unit's object must get the answer a nonexistent one gets: a 403, a 422 or a 409
                        # where a bogus id gets 404 tells the outsider that the object exists.
                        why = f"answers {r.status_code} where a nonexistent id answers {told}"
                    if method != "GET" and not why:
                        after = _row(obj)
                        if after != before:
                            why = f"{method} answered {r.status_code} and " + ("deleted the object" if after is None else "changed the object")
                    if why:
                        failures.append(f"{method} {url} ({obj._meta.label} #{obj.pk}, unit {_codes(obj)}) as {key}: {why}")
        counts["object routes"] += 1
        if filled:
            counts["filled with real objects"] += 1
        coverage[route.label()] = f"objects: {', '.join(sorted({o._meta.label for o in objects})) or '-'}; filled {filled}; bogus ok"

    with capsys.disabled():
        print(f"\nScoping proof: {len(routes)} routes, {counts['requests']} requests; {dict(counts)}")
        for note in world["notes"]:
            print("  note:", note)
        for label, outcome in sorted(coverage.items()):
            print(f"  {label:<70} {outcome}")
    # The test must really exercise the routes it knows exist.
    for known in ("/units/villages/<int:pk>/edit/", "/units/communes/<str:code>/", "/api/v1/units/villages/<int:village_id>"):
        assert any(label.startswith(known) and "filled 0" not in outcome for label, outcome in coverage.items()), known
    assert not failures, "\n".join(failures[:60])
