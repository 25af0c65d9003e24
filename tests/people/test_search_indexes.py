"""Finding people by part of a name or address is served by an index (PostgreSQL)."""

import pytest
from django.db import connection, transaction
from django.db.models import Q

from apps.people.models import Person
from tests.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.requires_postgres]


def test_a_from_search_reads_the_trigram_indexes_not_every_person():
    PersonFactory.create_batch(3)
    # The lookup `from:` and the submitter filter make.
    found = Person.objects.filter(
        Q(name__icontains="dev7@example.org") | Q(email__icontains="dev7@example.org")
    ).values("pk")
    with transaction.atomic(), connection.cursor() as cursor:
        # A table of three rows is cheapest to read whole; forbid that (and
        # walking the primary key) to see whether an index can answer.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = found.explain()
    assert "people_person_name_trgm_idx" in plan
    assert "people_person_email_trgm_idx" in plan
