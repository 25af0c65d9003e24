"""People and accounts: the named reads, their order and their matching."""

import pytest

from apps.people.selectors import (
    address_owner,
    delegate_filter_choices,
    person_get,
    person_list,
    person_name_matches,
    project_delegate_choices,
    submitter_search,
    submitter_search_by_name,
    user_get,
    user_list,
    user_persons,
    user_search,
    username_matches,
    username_taken,
)
from tests.factories import PersonFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_lists_by_id_with_linked_accounts_in_one_query(django_assert_num_queries):
    ann = UserFactory(username="ann")
    bob = UserFactory(username="bob")
    linked = PersonFactory(user=ann)
    alone = PersonFactory()
    assert list(user_list()) == [ann, bob]
    with django_assert_num_queries(1):
        assert [(p, p.user) for p in person_list()] == [(linked, ann), (alone, None)]
    assert person_get(alone.pk) == alone
    assert person_get(alone.pk + 100) is None
    assert user_get(bob.pk) == bob
    assert user_get(bob.pk + 100) is None


def test_delegates_are_the_maintainers_once_each_by_username():
    zed, abe = UserFactory(username="zed"), UserFactory(username="abe")
    UserFactory(username="nobody")
    first = ProjectFactory(maintainers=[zed, abe])
    ProjectFactory(maintainers=[zed])
    assert delegate_filter_choices() == [abe, zed]
    assert project_delegate_choices(first.pk) == [abe, zed]
    assert project_delegate_choices(ProjectFactory().pk) == []


def test_searches_match_any_case_in_order_up_to_the_limit():
    carla = PersonFactory(name="Carla Widget", email="carla@example.org")
    ana = PersonFactory(name="Ana", email="ana@widgets.example.org")
    PersonFactory(name="Bob", email="bob@example.org")
    assert submitter_search("WIDGET", 10) == [ana, carla]
    assert submitter_search("widget", 1) == [ana]
    assert submitter_search_by_name("widget", 10) == [carla]
    ann = UserFactory(username="ann", first_name="Widgetta", last_name="")
    zoe = UserFactory(username="zoe", first_name="", last_name="Widget")
    UserFactory(username="other")
    assert user_search("widget", 10) == [ann, zoe]
    assert user_search("ZO", 10) == [zoe]


def test_existence_checks_ignore_case():
    UserFactory(username="Ada")
    PersonFactory(name="Zoë Łuczak")
    assert username_taken("ada")
    assert not username_taken("ad")
    assert username_matches("DA")
    assert person_name_matches("ŁUCZ")
    assert not person_name_matches("nobody")


def test_an_address_belongs_to_the_account_using_it_first():
    ada = UserFactory(email="ada@example.org")
    bob = UserFactory(email="bob@example.org")
    linked = PersonFactory(email="ada@work.example.org", user=bob)
    assert address_owner("ADA@example.org") == ada
    assert address_owner("Ada@Work.example.org") == bob
    assert address_owner("nobody@example.org") is None
    assert user_persons(bob) == [linked]
