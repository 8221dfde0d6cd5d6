"""Query parameters read by the endpoint once the object is in scope (``coso.core.api_body.query_in_scope``) keep their
OpenAPI documentation (``query_doc``): the same parameters, types and bounds django-ninja gave them when they were
declared in the view's signature."""

from __future__ import annotations

import datetime as dt

from django.test import RequestFactory

import pytest
from ninja import Field, Schema
from ninja.errors import ValidationError as NinjaValidationError

from coso.api import api
from coso.core.api_body import query_doc, query_in_scope


def _parameters(path: str, method: str) -> dict[str, dict]:
    op = api.get_openapi_schema()["paths"][path][method]
    return {p["name"]: p for p in op["parameters"]}


def test_the_parameters_read_in_scope_are_still_documented():
    person = _parameters("/api/v1/workforce/people/{pk}", "get")
    assert person["pk"]["in"] == "path"
    assert person["on"] == {"in": "query", "name": "on", "required": False,
                            "schema": {"anyOf": [{"format": "date", "type": "string"}, {"type": "null"}], "title": "On"}}
    withdraw = _parameters("/api/v1/rules/changes/{rule_id}", "delete")
    assert withdraw["reason"] == {"in": "query", "name": "reason", "required": True,
                                  "schema": {"maxLength": 2000, "minLength": 1, "title": "Reason", "type": "string"}}


class _Query(Schema):
    day: dt.date
    codes: list[str] = Field(default_factory=list, description="Mã")


def test_query_in_scope_reads_as_ninja_and_checks_the_scope_before_an_error():
    calls: list[str] = []
    request = RequestFactory().get("/x", {"day": ["2026-01-01", "2026-02-03"], "codes": ["a", "b"], "other": "1"})
    query = query_in_scope(request, _Query, lambda: calls.append("scope"))
    assert (query.day, query.codes, calls) == (dt.date(2026, 2, 3), ["a", "b"], [])  # the last value, every value of a list
    with pytest.raises(NinjaValidationError) as exc:
        query_in_scope(RequestFactory().get("/x", {"day": "3/2/2026"}), _Query, lambda: calls.append("scope"))
    assert calls == ["scope"] and [e["loc"] for e in exc.value.errors] == [("query", "day")]
    assert query_doc(_Query)["parameters"][1] == {"in": "query", "name": "codes", "required": False, "description": "Mã",
                                                  "schema": {"description": "Mã", "items": {"type": "string"}, "title": "Codes", "type": "array"}}
