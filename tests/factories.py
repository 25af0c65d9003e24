"""factory_boy factories for the domain models."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from apps.bundles.models import Bundle, BundlePatch
from apps.checks.models import Check
from apps.patches.models import (
    Cover,
    CoverComment,
    Patch,
    PatchComment,
    Series,
    State,
)
from apps.people.models import Person, User
from apps.projects.models import Project

BASE_DATE = dt.datetime(2024, 1, 1, 12, 0, tzinfo=dt.UTC)

SAMPLE_DIFF = """\
diff --git a/README b/README
index 1111111..2222222 100644
--- a/README
+++ b/README
@@ -1 +1,2 @@
 hello
+world
"""


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = "Tester"
    password = factory.django.Password("password")


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    linkname = factory.Sequence(lambda n: f"project-{n}")
    name = factory.LazyAttribute(lambda o: o.linkname.title())
    listid = factory.LazyAttribute(lambda o: f"{o.linkname}.lists.example.org")
    listemail = factory.LazyAttribute(lambda o: f"{o.linkname}@lists.example.org")

    @factory.post_generation
    def maintainers(self, create, extracted, **kwargs):
        if create and extracted:
            self.maintainers.add(*extracted)


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.com")


def default_state() -> State:
    return State.objects.order_by("ordering").first()


class SeriesFactory(DjangoModelFactory):
    class Meta:
        model = Series

    project = factory.SubFactory(ProjectFactory)
    submitter = factory.SubFactory(PersonFactory)
    name = factory.Sequence(lambda n: f"Series {n}")
    date = factory.Sequence(lambda n: BASE_DATE + dt.timedelta(minutes=n))
    version = 1
    total = 1


class PatchFactory(DjangoModelFactory):
    class Meta:
        model = Patch

    project = factory.SubFactory(ProjectFactory)
    submitter = factory.SubFactory(PersonFactory)
    msgid = factory.Sequence(lambda n: f"<patch-{n}@example.com>")
    name = factory.Sequence(lambda n: f"[{n}/1] Change number {n}")
    date = factory.Sequence(lambda n: BASE_DATE + dt.timedelta(minutes=n))
    headers = factory.LazyAttribute(
        lambda o: f"Message-Id: {o.msgid}\nFrom: {o.submitter}\nSubject: {o.name}"
    )
    content = "Make the change.\n\nSigned-off-by: Someone <someone@example.com>"
    diff = SAMPLE_DIFF
    hash = factory.Sequence(lambda n: f"{n:040x}")
    state = factory.LazyFunction(default_state)


class CoverFactory(DjangoModelFactory):
    class Meta:
        model = Cover

    project = factory.SubFactory(ProjectFactory)
    submitter = factory.SubFactory(PersonFactory)
    msgid = factory.Sequence(lambda n: f"<cover-{n}@example.com>")
    name = factory.Sequence(lambda n: f"[0/2] Cover letter {n}")
    date = factory.Sequence(lambda n: BASE_DATE + dt.timedelta(minutes=n))
    headers = factory.LazyAttribute(lambda o: f"Message-Id: {o.msgid}")
    content = "This series does things."


class PatchCommentFactory(DjangoModelFactory):
    class Meta:
        model = PatchComment

    patch = factory.SubFactory(PatchFactory)
    submitter = factory.SubFactory(PersonFactory)
    msgid = factory.Sequence(lambda n: f"<patch-comment-{n}@example.com>")
    date = factory.Sequence(lambda n: BASE_DATE + dt.timedelta(hours=1, minutes=n))
    headers = factory.LazyAttribute(lambda o: f"Message-Id: {o.msgid}\nSubject: Re: x")
    content = "Looks good.\n\nReviewed-by: Reviewer <reviewer@example.com>"


class CoverCommentFactory(DjangoModelFactory):
    class Meta:
        model = CoverComment

    cover = factory.SubFactory(CoverFactory)
    submitter = factory.SubFactory(PersonFactory)
    msgid = factory.Sequence(lambda n: f"<cover-comment-{n}@example.com>")
    date = factory.Sequence(lambda n: BASE_DATE + dt.timedelta(hours=1, minutes=n))
    headers = factory.LazyAttribute(lambda o: f"Message-Id: {o.msgid}\nSubject: Re: x")
    content = "Thanks for the series."


class CheckFactory(DjangoModelFactory):
    class Meta:
        model = Check

    patch = factory.SubFactory(PatchFactory)
    user = factory.SubFactory(UserFactory)
    state = Check.State.SUCCESS
    target_url = "https://ci.example.com/build/1"
    description = "Build passed"
    context = factory.Sequence(lambda n: f"ci-{n}")


class BundleFactory(DjangoModelFactory):
    class Meta:
        model = Bundle
        skip_postgeneration_save = True

    owner = factory.SubFactory(UserFactory)
    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"bundle-{n}")
    public = False

    @factory.post_generation
    def patches(self, create, extracted, **kwargs):
        if create and extracted:
            for order, patch in enumerate(extracted, start=1):
                BundlePatch.objects.create(bundle=self, patch=patch, order=order)
