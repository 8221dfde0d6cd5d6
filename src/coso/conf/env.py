"""One helper to read settings from the environment.

Every variable is registered with a help text so that ``manage.py envdoc`` can
print the full list (the README's configuration table is generated from it).
The cast is taken from the type of the default, as in Open Forms' conf/utils.py.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

REGISTRY: dict[str, EnvVar] = {}


@dataclass
class EnvVar:
    name: str
    default: Any
    help_text: str
    required_in_production: bool = False


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def config(
    name: str,
    default: Any = None,
    *,
    help_text: str = "",
    split: bool = False,
    required_in_production: bool = False,
) -> Any:
    REGISTRY[name] = EnvVar(name, default, help_text, required_in_production)
    raw = os.environ.get(name)
    if raw is None:
        return default
    if split:
        return [item.strip() for item in raw.split(",") if item.strip()]
    if isinstance(default, bool):
        value = raw.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ValueError(f"{name} must be a boolean, got {raw!r}")
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw
