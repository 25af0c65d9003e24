class PatchError(Exception):
    """A requested change to a patch breaks a domain rule."""


class DelegateNotMaintainer(PatchError):
    def __init__(self, user, project):
        super().__init__(
            f"User '{user.username}' is not a maintainer for project '{project.name}'"
        )
        self.user = user
        self.project = project


class RelationForbidden(PatchError):
    """The actor does not maintain every project a relation change touches."""

    def __init__(self) -> None:
        super().__init__(
            "At least one patch is part of a project you are not maintaining."
        )


class RelationConflict(PatchError):
    """The patches named belong to different relations already."""

    def __init__(self) -> None:
        super().__init__(
            "At least one patch is already part of another relation. You have "
            "to explicitly remove a patch from its existing relation before "
            "moving it to this one."
        )


class VersionLinkInvalid(PatchError):
    """A version link that cannot be: another project, the series itself, a loop."""


class SeriesUpdateForbidden(PatchError):
    """The actor may not change every patch of the series (nothing was changed)."""

    def __init__(self, patch_ids: list[int]) -> None:
        super().__init__(
            "You may not change every patch of this series "
            f"(patches {', '.join(map(str, patch_ids))})."
        )
        self.patch_ids = patch_ids


class VersionLinkForbidden(PatchError):
    """Only maintainers of the series' project may set its version links."""

    def __init__(self) -> None:
        super().__init__("Only the project's maintainers can change version links.")
