"""No API operation acting on one object (a path parameter: an id, a code) declares a typed body (a ninja Schema, as
JSON or as a form): django-ninja would validate it before the endpoint's scope check, so another unit's object with a bad
or non-JSON body would answer 422/400 instead of the 404 an id that does not exist gets, telling an outsider it exists.
Such an endpoint reads its body with ``coso.core.api_body.body_in_scope`` and documents it with ``json_body_doc``
(CONTRIBUTING, "API"). The same holds for typed query parameters (a date, a number, a required or bounded string, which
django-ninja validates before the view runs too): such an endpoint reads them with ``query_in_scope`` and documents them
with ``query_doc``. The test walks every operation of the API, so endpoints added later are covered."""

from __future__ import annotations

import re

from ninja.params.models import BodyModel, FormModel, QueryModel

from coso.api import api

# (module, function) of the operations allowed to keep a typed body, each with why.
ALLOWED = {
    # Public national catalogue of procedures, edited by the system administrator only: a procedure's code is no secret
    # and every code is in scope for whoever may edit it (nothing to leak).
    ("coso.procedures.api", "update_procedure"): "public catalogue",
    ("coso.procedures.api", "end_procedure"): "public catalogue",
    ("coso.procedures.api", "reactivate_procedure"): "public catalogue",
    ("coso.procedures.api", "create_version"): "public catalogue",
}


# (module, function) of the operations on one object allowed to keep typed query parameters, each with why.
ALLOWED_QUERY = {
    # The public catalogue of procedures: a procedure's code is no secret, anyone reads it (?date=).
    ("coso.procedures.api", "get_procedure"): "public catalogue",
    # A rule key is declared in the code and every staff member reads the whole rule book's list of keys (?on=).
    ("coso.rules.api", "get_rule"): "rule keys are public declarations",
    # The path parameter is the file format (pdf, xlsx), not an object of a unit (?start=&end=).
    ("coso.dossiers.api", "register"): "a format, not an object",
}


def _operations():  # type: ignore[no-untyped-def]
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for op in path_view.operations:
                yield prefix.rstrip("/") + path, op


def _typed_bodies(op) -> list[str]:  # type: ignore[no-untyped-def]
    return [name for model in op.models if issubclass(model, (BodyModel, FormModel)) for name in model.model_fields]


def _plain(field) -> bool:  # type: ignore[no-untyped-def]
    """A query parameter no value fails: an optional string without bounds or pattern."""
    return field.annotation in (str, str | None) and not field.is_required() and not field.metadata


def _typed_queries(op) -> list[str]:  # type: ignore[no-untyped-def]
    return [name for model in op.models if issubclass(model, QueryModel) for name, f in model.model_fields.items() if not _plain(f)]


def _offenders(typed, allowed) -> tuple[list[str], set[tuple[str, str]]]:  # type: ignore[no-untyped-def]
    """Operations on one object (a path parameter) for which ``typed(op)`` names parameters, and are not in ``allowed``;
    and every operation on one object seen."""
    found, seen = [], set()
    for path, op in _operations():
        if not re.search(r"{[^}]+}", path):
            continue
        key = (op.view_func.__module__, op.view_func.__name__)
        seen.add(key)
        if typed(op) and key not in allowed:
            found.append(f"{'/'.join(op.methods)} {path} ({key[0]}.{key[1]}): {', '.join(typed(op))}")
    return found, seen


def test_no_operation_on_one_object_declares_a_typed_body():
    found, seen = _offenders(_typed_bodies, ALLOWED)
    assert not found, "Read the body with coso.core.api_body.body_in_scope once the object is the caller's:\n" + "\n".join(found)
    assert not set(ALLOWED) - seen, f"allowed operations that no longer exist: {set(ALLOWED) - seen}"


def test_the_allow_list_names_only_operations_that_still_declare_a_typed_body():
    """An endpoint fixed is taken off the list, so that the list stays the list of the exceptions."""
    still = {(op.view_func.__module__, op.view_func.__name__) for _path, op in _operations() if _typed_bodies(op)}
    assert not set(ALLOWED) - still, f"no typed body any more, remove from ALLOWED: {set(ALLOWED) - still}"


def test_no_operation_on_one_object_declares_typed_query_parameters():
    found, seen = _offenders(_typed_queries, ALLOWED_QUERY)
    assert not found, "Read the query with coso.core.api_body.query_in_scope once the object is the caller's:\n" + "\n".join(found)
    assert not set(ALLOWED_QUERY) - seen, f"allowed operations that no longer exist: {set(ALLOWED_QUERY) - seen}"
    still = {(op.view_func.__module__, op.view_func.__name__) for _path, op in _operations() if _typed_queries(op)}
    assert not set(ALLOWED_QUERY) - still, f"no typed query parameter any more, remove from ALLOWED_QUERY: {set(ALLOWED_QUERY) - still}"
