"""``.ci/check_report.py``: a leg fails on failures, no tests or unexpected skips."""

import subprocess
import sys
import tomllib

import pytest

from tests.paths import REPO

EXPECTED = tomllib.loads((REPO / ".ci" / "expected-skips.toml").read_text())


def report(tmp_path, cases: list[str]) -> str:
    path = tmp_path / "report.xml"
    path.write_text(
        '<?xml version="1.0"?><testsuites><testsuite name="pytest">'
        + "".join(cases)
        + "</testsuite></testsuites>"
    )
    return str(path)


def case(node: str, outcome: str = "") -> str:
    path, name = node.split("::", 1)
    classname = path.removesuffix(".py").replace("/", ".")
    return f'<testcase classname="{classname}" name="{name}">{outcome}</testcase>'


def skipped(node: str, reason: str = "needs postgresql") -> str:
    return case(node, f'<skipped type="pytest.skip" message="{reason}"/>')


def check(leg: str, xml: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, ".ci/check_report.py", leg, xml],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )


PASSED = case("tests/config/test_ci_report.py::test_passes")


@pytest.mark.parametrize("leg", ["postgresql", "sqlite"])
def test_the_expected_skips_pass(tmp_path, leg):
    xml = report(tmp_path, [PASSED, *(skipped(test) for test in EXPECTED[leg])])
    run = check(leg, xml)
    assert run.returncode == 0, run.stdout
    assert f"1 tests ran, 0 failed, {len(EXPECTED[leg])} skipped" in run.stdout


def test_an_unexpected_skip_fails_and_is_listed_with_its_reason(tmp_path):
    extra = "tests/api/test_patches.py::test_something_new"
    cases = [PASSED, *(skipped(t) for t in EXPECTED["sqlite"]), skipped(extra, "why")]
    run = check("sqlite", report(tmp_path, cases))
    assert run.returncode == 1
    assert f"unexpected skip: {extra}: why" in run.stdout


def test_an_expected_skip_that_ran_fails_and_is_listed(tmp_path):
    """The PostgreSQL-only tests running on the SQLite leg, or the reverse."""
    [first, *rest] = EXPECTED["sqlite"]
    run = check("sqlite", report(tmp_path, [PASSED, case(first), *map(skipped, rest)]))
    assert run.returncode == 1
    assert f"expected to skip but ran: {first}" in run.stdout


def test_skips_of_the_other_leg_are_unexpected(tmp_path):
    """The PostgreSQL leg skipping the PostgreSQL-only tests: it ran on SQLite."""
    cases = [PASSED, *(skipped(test) for test in EXPECTED["sqlite"])]
    run = check("postgresql", report(tmp_path, cases))
    assert run.returncode == 1
    assert run.stdout.count("unexpected skip") == len(EXPECTED["sqlite"])


@pytest.mark.parametrize(
    "cases",
    [
        [],  # nothing ran
        [case("tests/x.py::test_y", '<failure message="boom"/>')],
        [case("tests/x.py::test_y", '<error message="boom"/>')],
    ],
)
def test_no_tests_or_a_failure_fails(tmp_path, cases):
    run = check(
        "postgresql", report(tmp_path, [*cases, *map(skipped, EXPECTED["postgresql"])])
    )
    assert run.returncode == 1


def test_class_based_tests_get_their_pytest_id(tmp_path):
    node = "tests/api/test_downloads.py::TestPatchMbox::test_one_mail"
    xml = report(
        tmp_path,
        [
            PASSED,
            '<testcase classname="tests.api.test_downloads.TestPatchMbox" '
            'name="test_one_mail"><skipped message="x"/></testcase>',
        ],
    )
    run = check("nonexistent-leg", xml)
    assert f"unexpected skip: {node}: x" in run.stdout


def test_a_clone_without_the_shared_folder_skips_the_upstream_module_only(tmp_path):
    both = [*EXPECTED["sqlite"], *EXPECTED["without-shared"]]
    assert all(
        test.startswith("tests/api/test_upstream_schemas.py::")
        for test in EXPECTED["without-shared"]
    )
    cases = [PASSED, *(skipped(test) for test in both)]
    run = check("sqlite+without-shared", report(tmp_path, cases))
    assert run.returncode == 0, run.stdout
    assert f"1 tests ran, 0 failed, {len(both)} skipped" in run.stdout
    # The same run is wrong for a leg that has the folder.
    assert check("sqlite", report(tmp_path, cases)).returncode == 1
