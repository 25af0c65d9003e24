class BundleError(Exception):
    """A requested bundle change breaks a rule; the message is user-facing."""

    field = "patches"


class EmptyBundle(BundleError):
    def __init__(self) -> None:
        super().__init__("Bundles cannot be empty")


class MixedProjects(BundleError):
    def __init__(self) -> None:
        super().__init__("Bundle patches must belong to the same project")


class DuplicateBundleName(BundleError):
    field = "name"

    def __init__(self, name: str) -> None:
        super().__init__(f"You already have a bundle called '{name}'")
