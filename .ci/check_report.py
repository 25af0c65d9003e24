"""Check a CI leg's JUnit report: tests ran, none failed, the skips are expected.

``python .ci/check_report.py LEG REPORT.xml`` compares the tests the leg
skipped with the ``[LEG]`` table of ``.ci/expected-skips.toml`` (``A+B``:
the tables of A and B together, say ``sqlite+without-shared``) and fails
when they differ, listing the unexpected skips with their reasons and the
listed tests that ran after all, so the list can be brought up to date.
"""

import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXPECTED = REPO / ".ci" / "expected-skips.toml"


def node_id(classname: str, name: str) -> str:
    """Turn JUnit's ``tests.api.test_x.TestY`` + ``test_z`` into a pytest id."""
    parts = classname.split(".")
    for cut in range(len(parts), 0, -1):
        path = "/".join(parts[:cut]) + ".py"
        if (REPO / path).is_file():
            return "::".join([path, *parts[cut:], name])
    return f"{classname}::{name}"


def main() -> int:
    leg, report = sys.argv[1], sys.argv[2]
    tables = tomllib.loads(EXPECTED.read_text())
    expected = {
        test: reason
        for name in leg.split("+")
        for test, reason in tables.get(name, {}).items()
    }
    ran = failed = 0
    skipped: dict[str, str] = {}
    root = ET.parse(report).getroot()  # noqa: S314 - our own pytest report
    for case in root.iter("testcase"):
        test = node_id(case.get("classname", ""), case.get("name", ""))
        if case.find("skipped") is not None:
            skipped[test] = case.find("skipped").get("message", "")
        else:
            ran += 1
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
    print(f"{leg}: {ran} tests ran, {failed} failed, {len(skipped)} skipped")
    unexpected = {t: r for t, r in skipped.items() if t not in expected}
    not_skipped = [t for t in expected if t not in skipped]
    for test, reason in sorted(unexpected.items()):
        print(f"  unexpected skip: {test}: {reason}")
    for test in not_skipped:
        print(f"  expected to skip but ran: {test} ({expected[test]})")
    if unexpected or not_skipped:
        print(
            f"  ({len(skipped)} skipped, {len(expected)} expected: see {EXPECTED.name})"
        )
    return 0 if ran > 0 and failed == 0 and not unexpected and not not_skipped else 1


if __name__ == "__main__":
    sys.exit(main())
