class NotOptedOut(Exception):
    """An opt-in was asked for an address that never opted out."""

    def __init__(self, email: str):
        super().__init__(
            f"The address {email} is not on the patchwork opt-out list, so you "
            "don't need to opt back in"
        )
        self.email = email
