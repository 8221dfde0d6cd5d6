"""Helpers of tests that read pages of several apps: the audit page's field labels, and one request run through the
read-replica middleware."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.utils import translation

from coso.core.dbrouter import ReplicaMiddleware


def audit_labels(html: str) -> list[str]:
    """The field labels of the audit page's table (``id="audit-table"``), in order."""
    table = html.split('id="audit-table"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<strong>([^<]*)</strong>", table)


def english_defaults(model: Any) -> set[str]:
    """What Django would print for the model's fields declared without a verbose_name ("Owner", "is_open")."""
    with translation.override("vi"):
        names = [f.name for f in model._meta.concrete_fields if str(f.verbose_name) == f.name.replace("_", " ")]
    return {n.replace("_", " ").capitalize() for n in names} | set(names)


def run_in_replica_request(view: Callable[[HttpRequest], HttpResponse], *, path: str = "/feedback/",
                           view_name: str = "feedback:public_list") -> HttpResponse:
    """A GET of ``path`` resolved to ``view_name`` (a view allowed to read the replica) through ReplicaMiddleware,
    ``view`` running inside it."""
    request = RequestFactory().get(path)
    request.resolver_match = type("M", (), {"view_name": view_name})()
    mw = ReplicaMiddleware(view)

    def get_response(req: HttpRequest) -> HttpResponse:
        mw.process_view(req, view, (), {})
        return view(req)

    return ReplicaMiddleware(get_response)(request)
