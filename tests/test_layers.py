"""The layering docs/architecture.md draws: lxml only in docplan/ooxml/ (and the package layer)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Where lxml may be imported: the ooxml layer, and the package layer's one safe parse.
LXML_ALLOWED = ("docplan/ooxml/", "docplan/package.py")


def lxml_imports(tree: ast.AST) -> list[int]:
    """Return the lines of every import of lxml (at module level or inside a function)."""
    lines = []
    for node in ast.walk(tree):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module or ""] if isinstance(node, ast.ImportFrom) else []
        if any(n == "lxml" or n.startswith("lxml.") for n in names):
            lines.append(node.lineno)
    return lines


def test_only_the_ooxml_layer_imports_lxml():
    offenders = []
    for folder in ("docplan", "addin_server"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel.startswith(LXML_ALLOWED):
                continue
            offenders += [f"{rel}:{line}" for line in lxml_imports(ast.parse(path.read_text("utf-8")))]
    assert offenders == []


def test_the_import_finder_sees_both_forms_of_import():
    tree = ast.parse("import lxml.etree\ndef f():\n    from lxml import etree\nfrom lxmlish import x\n")
    assert lxml_imports(tree) == [1, 3]
