"""The web pages, XML-RPC and the API's views read through selectors, not models.

Reads written in a view drift from the selectors' fixed joins (and from the
query counts pinned for them); this keeps every read of ``apps/web``,
``apps/xmlrpc`` and ``apps/api/views`` behind ``apps/<domain>/selectors``.
(The API's serializers name querysets for the ids clients send; those are
declarations, not reads.)
"""

import ast

import pytest

from tests.paths import REPO

INTERFACES = ("web", "xmlrpc", "api/views")
# Shortcuts that read a model passed as their first argument.
_MODEL_SHORTCUTS = frozenset({"get_object_or_404", "get_list_or_404"})
_MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})


def model_reads(source: str) -> list[str]:
    """Return the direct model reads in ``source``, as ``line: code``."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Attribute) and node.attr in _MANAGERS) or (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in _MODEL_SHORTCUTS
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id[:1].isupper()
        ):
            found.append((node.lineno, ast.unparse(node)))
    return [f"{line}: {code}" for line, code in sorted(found)]


def test_the_check_finds_each_kind_of_direct_read():
    source = (
        "a = Patch.objects.filter(pk=1)\n"
        "b = get_object_or_404(Bundle, pk=2)\n"
        "c = State._default_manager.all()\n"
        "d = get_object_or_404(selectors.patch_list(), pk=3)\n"
        "e = selectors.state_list()\n"
    )
    assert model_reads(source) == [
        "1: Patch.objects",
        "2: get_object_or_404(Bundle, pk=2)",
        "3: State._default_manager",
    ]


@pytest.mark.parametrize(
    "path",
    sorted(path for app in INTERFACES for path in (REPO / "apps" / app).rglob("*.py")),
    ids=lambda path: str(path.relative_to(REPO)),
)
def test_interface_modules_read_through_selectors(path):
    assert model_reads(path.read_text()) == []
