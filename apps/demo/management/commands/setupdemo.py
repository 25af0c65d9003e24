from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from apps.demo.services import (
    demo_admin_get_or_create,
    demo_mail_load,
    demo_project_get_or_create,
)
from apps.people.models import User


class Command(BaseCommand):
    help = "Create the demo admin account and demo project, and print how to log in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, port: int, **options: Any) -> None:
        admin = demo_admin_get_or_create()
        project = demo_project_get_or_create(
            maintainer=User.objects.get(username=admin.username)
        )
        mail = demo_mail_load(project=project)
        url = f"http://127.0.0.1:{port}"
        self.stdout.write(f"Demo project: {project.name} ({project.linkname})")
        self.stdout.write(
            f"Demo mail:    {mail.patches} patches, {mail.covers} cover letters, "
            f"{mail.comments} comments in {mail.series} series"
        )
        self.stdout.write(f"Patches:      {url}/project/{project.linkname}/list/")
        self.stdout.write(f"REST API:     {url}/api/")
        self.stdout.write(
            f"Admin:        {url}/admin/ (the same account logs in everywhere)"
        )
        self.stdout.write(f"  username:   {admin.username}")
        if admin.password is None:
            self.stdout.write(
                "  password:   (unchanged; set it with manage.py changepassword)"
            )
        else:
            self.stdout.write(f"  password:   {admin.password}")
