"""Who may see and change a bundle."""


def can_view_bundle(user, bundle) -> bool:
    """Public bundles are readable by anyone; private ones by their owner."""
    return bundle.public or (user.is_authenticated and bundle.owner_id == user.pk)


def can_edit_bundle(user, bundle) -> bool:
    return user.is_authenticated and bundle.owner_id == user.pk
