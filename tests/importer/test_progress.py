"""Progress lines of the import."""

import io

from apps.importer.progress import LineProgress


def test_on_a_terminal_the_line_of_a_kind_is_redrawn_in_place():
    stream = io.StringIO()
    progress = LineProgress(stream, terminal=True)

    progress.start("patches", total=3000, done=0)
    progress.advance(1000)
    progress.finish()

    text = stream.getvalue()
    assert text.startswith("\rpatches")
    assert text.endswith("\n")
    assert text.count("\n") == 1
    assert "1,000 / 3,000" in text.rsplit("\r", 1)[1]


def test_elsewhere_each_kind_gets_one_line_when_done():
    stream = io.StringIO()
    progress = LineProgress(stream, terminal=False)

    for kind, rows in (("people", 5), ("patches", 7)):
        progress.start(kind, total=rows, done=0)
        progress.advance(rows)
        progress.finish()

    lines = stream.getvalue().splitlines()
    assert [line.split()[0] for line in lines] == ["people", "patches"]
    assert "\r" not in stream.getvalue()
    assert "7 / 7" in lines[1]
