"""Modules stay small and functions short, so each can be read at once.

No module of ``apps/`` over 400 lines, no function over 60 (migrations,
being generated, are not counted).
"""

import ast

import pytest

from tests.paths import REPO

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def app_modules() -> list[str]:
    return sorted(
        str(path.relative_to(REPO))
        for path in (REPO / "apps").rglob("*.py")
        if "migrations" not in path.parts
    )


def long_functions(source: str, limit: int) -> list[str]:
    """Return ``name (lines)`` of the functions of ``source`` over ``limit`` lines."""
    return [
        f"{node.name} ({node.end_lineno - node.lineno + 1})"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > limit
    ]


def test_the_check_counts_a_functions_lines():
    source = "def short():\n    return 1\n\n\ndef long():\n" + "    x = 1\n" * 5
    assert long_functions(source, 5) == ["long (6)"]
    assert long_functions(source, 6) == []


@pytest.mark.parametrize("module", app_modules())
def test_modules_and_functions_stay_small(module):
    source = (REPO / module).read_text()
    assert source.count("\n") <= MAX_MODULE_LINES, module
    assert long_functions(source, MAX_FUNCTION_LINES) == []
