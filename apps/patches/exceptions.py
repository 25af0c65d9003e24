class PatchError(Exception):
    """A requested change to a patch breaks a domain rule."""


class DelegateNotMaintainer(PatchError):
    def __init__(self, user, project):
        super().__init__(
            f"User '{user.username}' is not a maintainer for project '{project.name}'"
        )
        self.user = user
        self.project = project
