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
