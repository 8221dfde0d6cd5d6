"""JSON bodies read by an API endpoint itself, once the object it acts on is known to be the caller's.

django-ninja validates a typed body before the endpoint runs, so another unit's object with a bad body would answer 422
(or 400 invalid-json) instead of the 404 an outsider gets for it. An endpoint acting on one object declares no body
parameter, documents it with :func:`json_body_doc` and reads it with :func:`body_in_scope`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest
from django.http.request import RawPostDataException

import pydantic
from ninja import Schema
from ninja.errors import ValidationError as NinjaValidationError

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
