from django.db import models


class State(models.Model):
    """A review state of a patch (New, Under Review, Accepted, ...)."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    # Display order; the state with the lowest value is given to new patches.
    ordering = models.IntegerField(unique=True)
    action_required = models.BooleanField(
        default=True, help_text="Patches in this state need a maintainer's action."
    )

    class Meta:
        ordering = ["ordering"]

    def __str__(self) -> str:
        return self.name
