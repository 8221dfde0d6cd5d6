"""A small text progress bar for long commands (imports, demo data)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    def __init__(self, label: str, *, stream: TextIO | None = None, width: int = 30):
        self.label = label
        stream = stream or sys.stdout
        # A management command's self.stdout (OutputWrapper) ends every write with a newline: the "\r"
        # redraw would become one line per update. Write to the stream it wraps.
        stream = getattr(stream, "_out", stream)
        self.stream = stream
        isatty = getattr(stream, "isatty", None)
        # On a terminal the bar redraws in place; into a file or a pipe (a log) only the final line is written.
        self.redraw = bool(isatty and isatty())
        self.width = width
        self.started = time.monotonic()
        self._last = -1.0

    def update(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.redraw or (done < total and now - self._last < 0.2):
            return
        self._last = now
        frac = 0 if total <= 0 else min(1.0, done / total)
        filled = int(frac * self.width)
        bar = "█" * filled + "·" * (self.width - filled)
        self.stream.write(f"\r{self.label:<28} [{bar}] {frac * 100:5.1f}% ({done}/{total}) {now - self.started:5.1f}s")
        self.stream.flush()

    def finish(self) -> None:
        self.stream.write(f"\r{self.label:<28} [{'█' * self.width}] 100.0% {time.monotonic() - self.started:5.1f}s\n")
        self.stream.flush()
