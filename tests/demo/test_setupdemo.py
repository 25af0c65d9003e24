from io import StringIO

import pytest
from django.core.management import call_command

from apps.people.models import User
from apps.projects.models import Project

pytestmark = pytest.mark.django_db


def run(settings, tmp_path) -> str:
    settings.DATA_DIR = tmp_path
    out = StringIO()
    call_command("setupdemo", "--port", "8123", stdout=out)
    return out.getvalue()


def test_creates_admin_and_project_once_and_reprints_credentials(settings, tmp_path):
    first = run(settings, tmp_path)
    second = run(settings, tmp_path)
    assert first == second
    assert "http://127.0.0.1:8123/admin/" in first
    password = first.split("password:")[1].split()[0]
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password(password)
    project = Project.objects.get(linkname="demo")
    assert list(project.maintainers.all()) == [admin]
    assert (tmp_path / "demo-admin.txt").stat().st_mode & 0o077 == 0


def test_existing_admin_password_is_never_printed_or_changed(settings, tmp_path):
    User.objects.create_superuser("admin", "admin@example.org", "chosen-by-the-owner")
    output = run(settings, tmp_path)
    assert "password:   (unchanged" in output
    assert User.objects.get(username="admin").check_password("chosen-by-the-owner")
