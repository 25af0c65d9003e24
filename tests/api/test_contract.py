"""The contract checker used by every API test really rejects bad responses."""

import pytest
from jsonschema import ValidationError

from tests.api.contract import check_keys, check_response

GOOD_PERSON = {
    "id": 1,
    "url": "http://x/api/people/1/",
    "name": "A",
    "email": "a@x",
    "user": None,
}


def test_accepts_a_correct_person():
    check_response("GET", "/api/people/1/", 200, GOOD_PERSON)


def test_rejects_an_extra_key():
    with pytest.raises(AssertionError, match="extra"):
        check_response("GET", "/api/people/1/", 200, {**GOOD_PERSON, "x": 1})


def test_rejects_a_missing_key():
    body = dict(GOOD_PERSON)
    del body["user"]
    # Our document requires every field; the key check would catch it too.
    with pytest.raises(ValidationError, match="'user' is a required property"):
        check_response("GET", "/api/people/1/", 200, body)
    with pytest.raises(AssertionError, match="missing"):
        check_keys("person", body, "1.4")


def test_rejects_a_field_of_a_later_version():
    project = {
        "id": 1,
        "url": "u",
        "name": "n",
        "link_name": "l",
        "list_id": "i",
        "list_email": "e",
        "web_url": "",
        "scm_url": "",
        "webscm_url": "",
        "maintainers": [],
        "subject_match": "",
    }
    check_response("GET", "/api/1.1/projects/1/", 200, project)
    with pytest.raises(AssertionError, match="subject_match"):
        check_response("GET", "/api/1.0/projects/1/", 200, project)


def test_rejects_a_wrong_type_through_the_schema():
    with pytest.raises(ValidationError):
        check_response("GET", "/api/people/1/", 200, {**GOOD_PERSON, "id": "one"})


def test_rejects_an_object_where_lists_are_bare_arrays():
    with pytest.raises((AssertionError, ValidationError)):
        check_response("GET", "/api/people/", 200, {"results": []})


def test_checks_nested_objects():
    nested = {**GOOD_PERSON, "user": {"id": 1, "url": "u", "username": "x"}}
    with pytest.raises(ValidationError, match="is not valid under any"):
        check_response("GET", "/api/people/1/", 200, nested)
    with pytest.raises(AssertionError, match="user_embedded"):
        check_keys("person", nested, "1.4")


def test_accepts_what_the_document_allows_to_be_null_or_left_out():
    series = {
        "id": 1,
        "url": "u",
        "web_url": "w",
        "project": {
            "id": 1,
            "url": "u",
            "name": "n",
            "link_name": "l",
            "list_id": "i",
            "list_email": "e",
            "web_url": "",
            "scm_url": "",
            "webscm_url": "",
            "list_archive_url": "",
            "list_archive_url_format": "",
            "commit_url_format": "",
        },
        "name": None,
        "date": "2024-01-01T00:00:00",
        "submitter": {"id": 1, "url": "u", "name": None, "email": "a@x"},
        "version": 1,
        "total": 1,
        "received_total": 1,
        "received_all": True,
        "mbox": "m",
        "cover_letter": None,
        "patches": [],
    }
    check_response("GET", "/api/1.4/series/1/", 200, series)
    # 1.5 (and unversioned): a series without versions or patches.
    series.update(previous_version=None, next_version=None, versions=[], state=None)
    check_response("GET", "/api/series/1/", 200, series)


def test_error_bodies_have_only_detail():
    check_response("GET", "/api/patches/", 404, {"detail": "Invalid page."})
    with pytest.raises(AssertionError):
        check_response("GET", "/api/patches/", 404, {"error": "Invalid page."})
