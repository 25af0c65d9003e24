"""The contract checker used by every API test really rejects bad responses."""

import pytest
from jsonschema import ValidationError

from tests.api.contract import check_response

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
    with pytest.raises(AssertionError, match="missing"):
        check_response("GET", "/api/people/1/", 200, body)


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
    with pytest.raises(AssertionError, match="user_embedded"):
        check_response("GET", "/api/people/1/", 200, nested)


def test_error_bodies_have_only_detail():
    check_response("GET", "/api/patches/", 404, {"detail": "Invalid page."})
    with pytest.raises(AssertionError):
        check_response("GET", "/api/patches/", 404, {"error": "Invalid page."})
