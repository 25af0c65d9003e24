"""The mail parser stays free of Django and of the rest of the project."""

import ast
import subprocess
import sys

import pytest

from tests.paths import REPO

PARSING = REPO / "apps" / "ingest" / "parsing"
OWN_PACKAGE = "apps.ingest.parsing"


def imported_modules(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                yield "." * node.level + (node.module or "")
            else:
                yield node.module or ""


def forbidden(module: str) -> bool:
    if module.startswith("."):
        return True  # relative imports are banned project-wide
    if module == OWN_PACKAGE or module.startswith(OWN_PACKAGE + "."):
        return False
    return module.split(".")[0] in ("django", "apps", "patchserver", "rest_framework")


@pytest.mark.parametrize(
    "path", sorted(PARSING.rglob("*.py")), ids=lambda path: path.name
)
def test_parsing_module_imports_no_django_and_no_project_code(path):
    bad = [module for module in imported_modules(path) if forbidden(module)]
    assert bad == [], f"{path.name} imports {bad}"


def test_parsing_package_loads_without_django():
    code = (
        "import sys, apps.ingest.parsing\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'django')\n"
        "print(loaded)\n"
        "sys.exit(1 if loaded else 0)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
