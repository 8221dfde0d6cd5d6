"""The rule book: every legal rule as effective-dated data with one lookup (see ``lookup.rule``)."""

from __future__ import annotations

from typing import Any


def rule(key: str, **kwargs: Any) -> Any:
    from coso.rules.lookup import rule as _rule

    return _rule(key, **kwargs)


def rule_ref(key: str, **kwargs: Any) -> Any:
    from coso.rules.lookup import rule_ref as _rule_ref

    return _rule_ref(key, **kwargs)


def book(**kwargs: Any) -> Any:
    from coso.rules.lookup import book as _book

    return _book(**kwargs)
