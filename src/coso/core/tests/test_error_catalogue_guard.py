"""Every service error comes from an app's error catalogue (``<app>/errors.py``), so that its code is declared once and
its message is translatable: no module raises ApplicationError & co. with a message written in place."""

from __future__ import annotations

import ast
from pathlib import Path

import coso

ROOT = Path(coso.__file__).parent
CLASSES = {"ApplicationError", "ConflictError", "NotFoundError", "PermissionDeniedError"}
# Apps whose service errors still carry their message in place (being moved to their catalogue).
NOT_YET: set[str] = {"procedures"}


def _literal_message(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _literal_message(node.left)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in {"_", "gettext", "gettext_lazy"}:
        return bool(node.args) and _literal_message(node.args[0])
    return False


def test_service_errors_come_from_the_catalogue():
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if "tests" in rel.parts or "migrations" in rel.parts or rel.parts[0] in NOT_YET:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name in CLASSES and _literal_message(node.args[0]):
                offenders.append(f"{rel}:{node.lineno}")
    assert not offenders, "declare these errors in the app's errors.py (coso.core.errors.ErrorCode): " + ", ".join(offenders)
