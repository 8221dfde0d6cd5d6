"""Every module reads its legal rules through the rule book, and only declared keys.

These checks read the source: a rule kept as a constant, a JSON file read from disk, a module's own
dated lookup, or a misspelt key would otherwise only show when a province changes a value and nothing happens.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coso.rules.registry import is_declared

SRC = Path(__file__).resolve().parents[2]  # src/coso


def _code_files() -> list[Path]:
    out = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        if "/migrations/" in rel or "/tests/" in rel or rel.startswith("rules/") or rel.endswith("rule_keys.py"):
            continue
        out.append(path)
    return out


FORBIDDEN = [
    # A dated lookup of one's own (the rule book's precedence is the only one: rules.lookup.select_in_force).
    (re.compile(r"valid_from__lte"), "dated lookup outside the rule book"),
    # Legal numbers that once lived in code.
    (re.compile(r"\btime\(15\b"), "the 15:00 cut-off is the rule onestop.same_day_cutoff"),
    (re.compile(r"HOURS_PER_DAY|END_OF_DAY\s*="), "a working day is the rule calendar.office_hours"),
    (re.compile(r"supplement_count\s*>\s*1\b"), "onestop.supplement.max_requests_on_time"),
    (re.compile(r"NEAR_DEADLINE_PERCENT|COSO_DOSSIER_NEAR_PERCENT|COSO_FEEDBACK_AUTO_HIDE"), "a setting used as a rule"),
    (re.compile(r"DEFAULT_STEPS\b"), "onestop.default_steps"),
    (re.compile(r"FeedbackRule\b"), "feedback rules live in the rule book"),
]
# Listing filters that are not a precedence (e.g. "procedures with a version in force today").
ALLOWED = {
    ("procedures/selectors.py", "dated lookup outside the rule book"),
    # Quotas the province assigned to each commune and office by decision (records, not a precedence of rules).
    ("workforce/selectors.py", "dated lookup outside the rule book"),
    # Villages in force on a day: a village's own lifetime from a reorganisation decision, not a rule.
    ("units/selectors.py", "dated lookup outside the rule book"),
}


def test_no_module_reads_a_rule_any_other_way():
    problems = []
    for path in _code_files():
        rel = path.relative_to(SRC).as_posix()
        text = path.read_text(encoding="utf-8")
        for pattern, why in FORBIDDEN:
            if (rel, why) in ALLOWED:
                continue
            for m in pattern.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                problems.append(f"{rel}:{line}: {m.group(0)!r} — {why}")
    assert not problems, "\n".join(problems)


KEY_CALL = re.compile(r"""\b(?:rule|rule_ref|\.value|\.ref|\.get)\(\s*["']((?:calendar|onestop|procedures|feedback|funding|salary|workforce|indices|planning|training|tasks|units)\.[A-Za-z0-9_.]+)["']""")


def test_every_key_read_in_code_is_declared():
    undeclared = []
    for path in _code_files():
        for m in KEY_CALL.finditer(path.read_text(encoding="utf-8")):
            if not is_declared(m.group(1)):
                undeclared.append(f"{path.relative_to(SRC)}: {m.group(1)}")
    assert not undeclared, "\n".join(undeclared)


@pytest.mark.parametrize("module", ["feedback", "onestop", "calendar"])
def test_modules_have_declared_rules(module):
    from coso.rules.registry import declarations

    assert declarations(module)
