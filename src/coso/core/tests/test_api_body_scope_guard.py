"""No API operation acting on one object (a path parameter: an id, a code) declares a typed body (a ninja Schema, as
JSON or as a form): django-ninja would validate it before the endpoint's scope check, so another unit's object with a bad
or non-JSON body would answer 422/400 instead of the 404 an id that does not exist gets, telling an outsider it exists.
Such an endpoint reads its body with ``coso.core.api_body.body_in_scope`` and documents it with ``json_body_doc``
(CONTRIBUTING, "API"). The test walks every operation of the API, so endpoints added later are covered."""

from __future__ import annotations

import re

from ninja.params.models import BodyModel, FormModel

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


def _operations():  # type: ignore[no-untyped-def]
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for op in path_view.operations:
                yield prefix.rstrip("/") + path, op


def _typed_bodies(op) -> list[str]:  # type: ignore[no-untyped-def]
    return [name for model in op.models if issubclass(model, (BodyModel, FormModel)) for name in model.model_fields]


def test_no_operation_on_one_object_declares_a_typed_body():
    found, seen = [], set()
    for path, op in _operations():
        if not re.search(r"{[^}]+}", path):
            continue
        key = (op.view_func.__module__, op.view_func.__name__)
        seen.add(key)
        if _typed_bodies(op) and key not in ALLOWED:
            found.append(f"{'/'.join(op.methods)} {path} ({key[0]}.{key[1]}): {', '.join(_typed_bodies(op))}")
    assert not found, "Read the body with coso.core.api_body.body_in_scope once the object is the caller's:\n" + "\n".join(found)
    assert not set(ALLOWED) - seen, f"allowed operations that no longer exist: {set(ALLOWED) - seen}"


def test_the_allow_list_names_only_operations_that_still_declare_a_typed_body():
    """An endpoint fixed is taken off the list, so that the list stays the list of the exceptions."""
    still = {(op.view_func.__module__, op.view_func.__name__) for _path, op in _operations() if _typed_bodies(op)}
    assert not set(ALLOWED) - still, f"no typed body any more, remove from ALLOWED: {set(ALLOWED) - still}"
