"""The importer's value rules: what a source value becomes in the target.

A slip here silently changes imported data (a time shifted, a flag read as
its opposite, a NUL that aborts the load) or lets untrusted API JSON through
unchecked, so each rule is pinned value by value.
"""

import datetime as dt

import pytest
from django.db import models

from apps.importer import convert
from apps.importer.api_client import MirrorFailed
from apps.importer.api_values import Obj, header_block

# --- database sources (convert.py) --------------------------------------------


def test_a_naive_source_time_is_taken_as_utc():
    naive = dt.datetime(2020, 5, 6, 7, 8, 9)  # noqa: DTZ001 - what upstream stores
    value = convert.utc_datetime(naive)
    assert value == dt.datetime(2020, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
    assert value.utcoffset() == dt.timedelta(0)


def test_an_aware_source_time_keeps_its_wall_clock_time_as_utc():
    # Read in the source's zone: the wall-clock time is upstream's UTC time.
    zoned = dt.datetime(2020, 5, 6, 7, 8, 9, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert convert.utc_datetime(zoned) == dt.datetime(
        2020, 5, 6, 7, 8, 9, tzinfo=dt.UTC
    )


def test_values_that_are_not_times_pass_unchanged():
    assert convert.utc_datetime(None) is None
    assert convert.utc_datetime("2020-01-01") == "2020-01-01"


@pytest.mark.parametrize(
    ("value", "expected"), [(0, False), (1, True), (None, None), (True, True)]
)
def test_mysql_booleans_become_booleans(value, expected):
    assert convert.boolean(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", "plain"),
        ("a\x00b\x00", "a\ufffdb\ufffd"),
        (b"caf\xc3\xa9", "café"),
        (bytearray(b"x\xffy"), "x\ufffdy"),
        (b"nul\x00", "nul\ufffd"),
        (None, None),
        (7, 7),
    ],
)
def test_text_arrives_as_str_without_nul(value, expected):
    assert convert.text(value) == expected


def test_each_column_type_gets_its_converter():
    fields = [
        models.DateTimeField(),
        models.BooleanField(),
        models.CharField(),
        models.SlugField(),
        models.TextField(),
        models.URLField(),
        models.EmailField(),
        models.IntegerField(),
    ]
    assert convert.converters(fields) == [
        convert.utc_datetime,
        convert.boolean,
        *[convert.text] * 5,
        None,
    ]


# --- API sources (api_values.py) ----------------------------------------------


def failure(call) -> str:
    with pytest.raises(MirrorFailed) as caught:
        call()
    return str(caught.value)


def test_an_api_answer_that_is_not_an_object_is_refused():
    assert failure(lambda: Obj([1], "patch 3")) == "patch 3: expected a JSON object"


def test_typed_values_are_read():
    data = Obj(
        {"id": 4, "name": "n", "flag": False, "none": None, "on": True}, "patch 4"
    )
    assert data.integer("id") == 4
    assert data.string("name") == "n"
    assert data.string_or_none("none") is None
    assert data.string_or_none("name") == "n"
    assert data.flag("flag") is False
    assert data.flag_or_none("none") is None
    assert data.flag_or_none("on") is True
    assert data.has("none")
    assert not data.has("missing")


@pytest.mark.parametrize(
    ("key", "read", "message"),
    [
        ("on", "integer", "patch 4: unexpected 'on': True"),
        ("name", "integer", "patch 4: unexpected 'name': 'n'"),
        ("none", "integer", "patch 4: unexpected 'none': None"),
        ("missing", "string", "patch 4: unexpected 'missing': None"),
        ("id", "string", "patch 4: unexpected 'id': 4"),
        ("id", "flag", "patch 4: unexpected 'id': 4"),
        ("none", "flag", "patch 4: unexpected 'none': None"),
        ("id", "string_or_none", "patch 4: unexpected 'id': 4"),
        ("id", "flag_or_none", "patch 4: unexpected 'id': 4"),
    ],
)
def test_a_value_of_the_wrong_type_is_a_clear_error(key, read, message):
    data = Obj({"id": 4, "name": "n", "none": None, "on": True}, "patch 4")
    assert failure(lambda: getattr(data, read)(key)) == message


def test_a_long_wrong_value_is_cut_in_the_message():
    data = Obj({"id": "x" * 200}, "patch 5")
    assert failure(lambda: data.integer("id")) == (
        "patch 5: unexpected 'id': '" + "x" * 79
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-05-06T07:08:09", dt.datetime(2020, 5, 6, 7, 8, 9, tzinfo=dt.UTC)),
        (
            "2020-05-06T07:08:09+02:00",
            dt.datetime(2020, 5, 6, 5, 8, 9, tzinfo=dt.UTC),
        ),
    ],
)
def test_api_times_become_aware_utc(text, expected):
    value = Obj({"date": text}, "patch 6").date("date")
    assert value == expected
    assert value.tzinfo is dt.UTC


def test_a_date_that_is_not_one_is_a_clear_error():
    data = Obj({"date": "yesterday, roughly, give or take a week or two"}, "patch 6")
    assert failure(lambda: data.date("date")) == (
        "patch 6: 'date' is not a date: 'yesterday, roughly, give or take a week"
    )


def test_nested_objects_and_lists():
    data = Obj(
        {"series": {"id": 1}, "none": None, "checks": [{"id": 2}, {"id": 3}]}, "patch 7"
    )
    assert data.obj("series").integer("id") == 1
    assert data.obj("series").where == "patch 7 series"
    assert data.obj_or_none("none") is None
    assert data.obj_or_none("series").integer("id") == 1  # type: ignore[union-attr]
    assert data.obj_or_none("series").where == "patch 7 series"  # type: ignore[union-attr]
    checks = data.objs("checks")
    assert [check.integer("id") for check in checks] == [2, 3]
    assert {check.where for check in checks} == {"patch 7 checks"}
    assert data.objs("none") == []
    assert failure(lambda: data.obj("none")) == "patch 7 none: expected a JSON object"
    assert failure(lambda: data.objs("series")) == "patch 7: 'series' is not a list"


@pytest.mark.parametrize(
    ("state", "value"), [("pending", 0), ("success", 1), ("warning", 2), ("fail", 3)]
)
def test_check_states_are_stored_as_their_codes(state, value):
    assert Obj({"state": state}, "check").check_state() == value


def test_an_unknown_check_state_is_a_clear_error():
    data = Obj({"state": "great"}, "check 8")
    assert failure(data.check_state) == "check 8: unknown check state 'great'"


def test_series_ids_are_read_from_their_urls():
    data = Obj(
        {
            "dependencies": [
                "https://example.com/api/1.3/series/12/",
                "https://example.com/api/series/7/",
            ],
            "none": None,
            "bad": ["https://example.com/api/patches/3/"],
            "number": [5],
        },
        "series 9",
    )
    assert data.series_ids("dependencies") == [12, 7]
    assert data.series_ids("none") == []
    assert failure(lambda: data.series_ids("bad")) == (
        "series 9: 'bad' holds 'https://example.com/api/patches/3/'"
    )
    assert failure(lambda: data.series_ids("number")) == "series 9: 'number' holds 5"


def test_headers_are_written_back_in_order_repeats_included():
    block = header_block(
        {"Received": ["from a", "from b"], "Subject": "x: y", "X-A": ""}, "patch 1"
    )
    assert block == "Received: from a\nReceived: from b\nSubject: x: y\nX-A: "


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (["Subject: x"], "'headers' is not an object"),
        ({"Subject": 3}, "bad header 'Subject'"),
        ({"Subject": ["x", None]}, "bad header 'Subject'"),
        ({"": "x"}, "bad header ''"),
        ({"Sub ject": "x"}, "bad header 'Sub ject'"),
        ({"Sub:ject": "x"}, "bad header 'Sub:ject'"),
        ({"Subj\u00e9ct": "x"}, "bad header 'Subj\u00e9ct'"),
        ({"Sub\x7fject": "x"}, "bad header 'Sub\\x7fject'"),
        # A long name is cut in the message (40 characters of its repr).
        ({"X-" + "a" * 60: 1}, "bad header 'X-" + "a" * 37),
    ],
)
def test_headers_that_cannot_be_written_back_are_refused(headers, message):
    assert failure(lambda: header_block(headers, "patch 2")) == f"patch 2: {message}"


def test_every_printable_header_name_is_accepted():
    name = "".join(chr(c) for c in range(33, 127) if chr(c) != ":")
    assert header_block({name: "v"}, "p") == f"{name}: v"
