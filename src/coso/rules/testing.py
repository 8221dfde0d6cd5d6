"""Helpers for tests: give a rule a value for a scope from a date, through the real service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from coso.rules.models import Rule
from coso.rules.services import rule_change


def set_rule(key: str, value: Any, *, valid_from: dt.date, valid_to: dt.date | None = None, province_code: str = "",
             commune_code: str = "", source_document: str = "Quy định thử nghiệm") -> Rule:
    """As the data loader would (no actor, past dates allowed): closes the period in force before ``valid_from``."""
    return rule_change(actor=None, key=key, value=value, valid_from=valid_from, valid_to=valid_to, province_code=province_code,
                       commune_code=commune_code, reason="test", source_document=source_document, allow_past=True).rule


def shipped_book(paths: Any = None) -> Any:
    """The rule book as shipped in the data files, in memory and without a database (tests of pure rule functions)."""
    from coso.rules.lookup import RuleIndex, RuleRef
    from coso.rules.registry import declaration
    from coso.rules.services import _prepare, data_files, read_rule_file

    rows = _prepare(r for p in (paths if paths is not None else data_files()) for r in read_rule_file(p))
    return RuleIndex(
        RuleRef(id=None, key=r["key"], value=declaration(r["key"]).to_python(r["value"]), raw=r["value"], scope=r["scope"],
                province_code=r["province_code"], commune_code=r["commune_code"], valid_from=r["valid_from"], valid_to=r["valid_to"],
                source_document=r["source_document"], source_article=r["source_article"], source_url=r["source_url"],
                confidence=r["confidence"], note=r["note"])
        for r in rows
    )
