"""House rule (issue 13): the workspace's views hold no queries of their own; they ask workspace/selectors.py
(reads) and workspace/services.py (writes). A fetch by primary key (`get_object_or_404(Model, pk=pk)`) is the
view's own business and allowed."""

from __future__ import annotations

import ast
from pathlib import Path

VIEWS = Path(__file__).resolve().parent.parent / "workspace" / "views"


def queries_in(path: Path) -> list[str]:
    """Each `.objects` manager use and each related-manager query (`x.amounts.filter(...)`) in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            found.append(f"{path.name}:{node.lineno} .objects")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method = node.func.attr
            if method in {"filter", "exclude", "annotate", "prefetch_related", "select_related", "values_list"}:
                found.append(f"{path.name}:{node.lineno} .{method}()")
    return found


def test_workspace_views_leave_queries_to_the_selectors():
    files = sorted(VIEWS.glob("*.py"))
    assert len(files) >= 4
    assert [q for path in files for q in queries_in(path)] == []
