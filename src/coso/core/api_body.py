"""JSON bodies and query parameters read by an API endpoint itself, once the object it acts on is known to be the caller's.

django-ninja validates a typed body and typed query parameters before the endpoint runs, so another unit's object with a
bad body or a bad parameter (``?on=31/02/2026``) would answer 422 (or 400 invalid-json) instead of the 404 an outsider
gets for it. An endpoint acting on one object declares no body parameter, documents it with :func:`json_body_doc` and
reads it with :func:`body_in_scope`; it declares no query parameter that can fail validation either (only plain optional
strings), documents them with :func:`query_doc` and reads them with :func:`query_in_scope`.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest
from django.http.request import RawPostDataException

import pydantic
from ninja import Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.schema import NinjaGenerateJsonSchema

from coso.core import errors as core_errors
from coso.core import json_input

TSchema = TypeVar("TSchema", bound=Schema)


def inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    """A JSON schema with its ``$defs`` references replaced by the definitions themselves."""
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return inline_refs(defs[ref.rsplit("/", 1)[-1]], defs)
        return {k: inline_refs(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [inline_refs(v, defs) for v in node]
    return node


def json_body_doc(schema: type[Schema]) -> dict[str, Any]:
    """OpenAPI request body (``openapi_extra``) of an endpoint that reads its JSON body itself (:func:`body_in_scope`)."""
    json_schema = schema.model_json_schema()
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": inline_refs(json_schema, json_schema.get("$defs", {}))}}}}


def raw_json(request: HttpRequest) -> Any:
    """The request's JSON body as parsed, or None when it is not JSON (nothing raised)."""
    try:
        return json_input.loads(request.body or b"{}")
    except (ValueError, RawPostDataException):
        return None


def body_in_scope(request: HttpRequest, schema: type[TSchema], check_scope: Callable[[], Any]) -> TSchema:
    """The JSON body of a request on one object, read only once the object is known to be the caller's: a body that is
    not JSON or does not fit ``schema`` first runs ``check_scope`` (another unit's or another citizen's object raises 404,
    as an id that does not exist), then answers the error it has (invalid-json, 422 validation-error). A valid body
    leaves the scope to the endpoint or the service, which checks it before anything else."""
    try:
        raw = json_input.loads(request.body or b"{}")
    except (ValueError, RawPostDataException):  # malformed, not UTF-8, nested too deeply, a number too long; or a
        # multipart form, read from the stream by the NUL check before the body was asked for: not JSON either way
        check_scope()
        raise core_errors.UNREADABLE_BODY() from None
    try:
        return schema.model_validate(raw)
    except pydantic.ValidationError as exc:
        check_scope()
        raise NinjaValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]) from None


def query_doc(schema: type[Schema]) -> dict[str, Any]:
    """OpenAPI query parameters (``openapi_extra``) of an endpoint that reads them itself (:func:`query_in_scope`): each
    field of ``schema`` as django-ninja documents a typed query parameter (added after the path parameters)."""
    json_schema = schema.model_json_schema(schema_generator=NinjaGenerateJsonSchema)
    defs, required = json_schema.get("$defs", {}), set(json_schema.get("required", []))
    parameters = []
    for name, prop in json_schema["properties"].items():
        param = {"in": "query", "name": name, "schema": inline_refs(prop, defs), "required": name in required}
        if "description" in prop:
            param["description"] = prop["description"]
        parameters.append(param)
    return {"parameters": parameters}


def _is_collection(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(_is_collection(a) for a in typing.get_args(annotation))
    return origin in (list, tuple, set, frozenset)


def query_in_scope(request: HttpRequest, schema: type[TSchema], check_scope: Callable[[], Any], *, exclude: tuple[str, ...] = ()) -> TSchema:
    """The query parameters of a request on one object, read only once the object is known to be the caller's, as
    :func:`body_in_scope` reads a body: parameters that do not fit ``schema`` (a missing one, a date that is no date) first
    run ``check_scope`` (another unit's object raises 404, as an id that does not exist), then answer 422
    validation-error, each error under its parameter's name. Read as django-ninja reads them: the last value of a
    repeated parameter, every value of a list field; parameters ``schema`` does not name are ignored, and so are those
    in ``exclude`` (declared by the endpoint itself, e.g. the parameter naming the object)."""
    data: dict[str, Any] = {}
    for name, field in schema.model_fields.items():
        key = field.alias or name
        if key in request.GET and key not in exclude:
            data[key] = request.GET.getlist(key) if _is_collection(field.annotation) else request.GET[key]
    try:
        return schema.model_validate(data)
    except pydantic.ValidationError as exc:
        check_scope()
        raise NinjaValidationError([{**e, "loc": ("query", *e["loc"])} for e in exc.errors(include_url=False)]) from None
