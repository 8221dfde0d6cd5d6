"""JSON that came from outside (a request body, an uploaded file), read so that every way it can be unreadable is one error.

``json.loads`` raises ``ValueError`` (``json.JSONDecodeError``) for malformed text, for bytes that are not UTF-8 and for
an integer of more than 4,300 digits, but ``RecursionError`` for nesting deeper than Python recurses (a thousand ``[``):
a caller that catches ``ValueError`` then answers 500. :func:`loads` turns that into a ``json.JSONDecodeError`` too.
"""

from __future__ import annotations

import json
from typing import Any


def loads(data: str | bytes | bytearray) -> Any:
    """``json.loads`` whose only error is ``json.JSONDecodeError`` (a ``ValueError``), nesting too deep included."""
    try:
        return json.loads(data)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", data if isinstance(data, str) else "", 0) from None
