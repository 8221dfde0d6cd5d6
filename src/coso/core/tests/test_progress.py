"""The progress bar redraws one line on a terminal (issue 13, item 26), also through a command's self.stdout."""

from __future__ import annotations

import io

from django.core.management.base import OutputWrapper

from coso.core.progress import ProgressBar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_redraws_one_line_through_a_commands_stdout():
    out = Terminal()
    bar = ProgressBar("Hồ sơ", stream=OutputWrapper(out))  # type: ignore[arg-type]
    bar.redraw = True
    for i in range(5):
        bar._last = -1.0  # no throttling in the test
        bar.update(i, 10)
    bar.finish()
    text = out.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n")
    assert text.count("\r") == 6


def test_into_a_log_only_the_final_line():
    out = io.StringIO()
    bar = ProgressBar("Hồ sơ", stream=OutputWrapper(out))  # type: ignore[arg-type]
    for i in range(5):
        bar._last = -1.0
        bar.update(i, 10)
    bar.finish()
    lines = out.getvalue().replace("\r", "").splitlines()
    assert len(lines) == 1 and "100.0%" in lines[0]
