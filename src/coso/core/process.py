"""Settling a web process once it has started.

A started Coso process holds some 220,000 Python objects: Django, the apps, every view, form and template module. They
live as long as the process. Python's cyclic garbage collector still walks all of them at each full collection, which
happens every few hundred requests and took 160–190 ms on a 2-CPU reference machine: a pause paid by whichever request
was running then (the p95 of a page). :func:`settle` imports every view first (the URL configuration, which Django
would otherwise load on the first request), collects once, and moves what is left to the collector's permanent
generation (``gc.freeze``): later collections walk only the objects that requests create and keep.
"""

from __future__ import annotations

import gc


def settle() -> int:
    """Import the URL configuration, collect, and freeze the surviving objects out of later collections. Called once per
    process: by the WSGI entry point (each gunicorn worker imports it after its fork) and by the benchmark runner, which
    serves pages in its own process. Returns the number of objects frozen."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 -- the property imports every URL module, and so every view
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
