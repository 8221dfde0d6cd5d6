"""Two writes side by side on PostgreSQL, the first held before its commit: the helper of the concurrency tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connections


def side_by_side(monkeypatch: Any, owner: Any, name: str, first: Callable[[], Any], second: Callable[[], Any]) -> tuple[list[Any], list[BaseException], bool]:
    """Run ``first`` in one thread, held right after ``owner.name`` returned (inside its transaction, before the commit),
    and meanwhile ``second`` in another. Returns the results, the errors raised, and whether the second was still
    waiting half a second after it started."""
    inside, release = threading.Event(), threading.Event()
    real = getattr(owner, name)

    def held(*args: Any, **kwargs: Any) -> Any:
        out = real(*args, **kwargs)
        if threading.current_thread().name == "first":
            inside.set()
            release.wait(10)
        return out

    monkeypatch.setattr(owner, name, held)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(target: Callable[[], Any]) -> None:
        try:
            results.append(target())
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    one = threading.Thread(target=run, args=(first,), name="first")
    one.start()
    assert inside.wait(10)
    two = threading.Thread(target=run, args=(second,), name="second")
    two.start()
    two.join(0.5)
    waited = two.is_alive()
    release.set()
    one.join(10)
    two.join(10)
    return results, errors, waited
