"""The series list's bulk action: set state, delegate or archived on whole series.

Selected series come as ``series_id:<id>`` fields. Each series is changed
by the series update service, all of its patches or none (the service asks
the patch edit rule for every patch); the page reports each series that
was refused. Series of other projects are ignored.
"""

from dataclasses import dataclass, field

from django.contrib import messages

from apps.ids import parse_id
from apps.patches import selectors as patch_selectors
from apps.patches.exceptions import PatchError
from apps.patches.services.series_updates import series_update
from apps.people import selectors as people_selectors
from apps.web.forms import BulkUpdateForm

PREFIX = "series_id:"


@dataclass
class SeriesOutcome:
    errors: list[str] = field(default_factory=list)
    form: BulkUpdateForm | None = None


def selected_series_ids(post) -> list[int]:
    ids = []
    for key, value in post.items():
        if key.startswith(PREFIX) and value:
            series_id = parse_id(key.removeprefix(PREFIX))
            if series_id is not None:
                ids.append(series_id)
    return ids


def apply_series_action(request, *, project, states) -> SeriesOutcome:
    """Run the posted update on the selected series of ``project``."""
    if request.POST.get("action", "").strip().lower() != "update":
        return SeriesOutcome()
    delegates = people_selectors.project_delegate_choices(project.pk)
    form = BulkUpdateForm(request.POST, states=states, delegates=delegates)
    if not form.is_valid():
        return SeriesOutcome(["The submitted form data was invalid"], form)
    chosen = patch_selectors.series_by_ids(project, selected_series_ids(request.POST))
    if not chosen:
        messages.warning(request, "No series selected; nothing updated")
        return SeriesOutcome()
    changes = form.changes()
    errors = []
    updated = 0
    for series in chosen:
        try:
            series_update(series=series, actor=request.user, **changes)
        except PatchError as error:
            errors.append(f"Series '{series}' not updated: {error}")
            continue
        updated += 1
    if updated:
        messages.success(request, f"{updated} series updated")
    else:
        messages.warning(request, "No series updated")
    return SeriesOutcome(errors)
