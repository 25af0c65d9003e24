"""The series list's bulk action: set state, delegate or archived on whole series.

Selected series come as ``series_id:<id>`` fields. Each series is changed
by the series update service, all of its patches or none (the service asks
the patch edit rule for every patch); the page reports each series that
was refused. Series of other projects are ignored.
"""

from django.contrib import messages

from apps.patches import selectors as patch_selectors
from apps.patches.exceptions import PatchError
from apps.patches.services.series_updates import series_update
from apps.people import selectors as people_selectors
from apps.web.bulk import Outcome, selected_ids
from apps.web.forms import BulkUpdateForm

PREFIX = "series_id:"


def apply_series_action(request, *, project, states) -> Outcome:
    """Run the posted update on the selected series of ``project``."""
    if request.POST.get("action", "").strip().lower() != "update":
        return Outcome()
    delegates = people_selectors.project_delegate_choices(project.pk)
    form = BulkUpdateForm(request.POST, states=states, delegates=delegates)
    if not form.is_valid():
        return Outcome(["The submitted form data was invalid"], form)
    chosen = patch_selectors.series_by_ids(project, selected_ids(request.POST, PREFIX))
    if not chosen:
        messages.warning(request, "No series selected; nothing updated")
        return Outcome()
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
    return Outcome(errors)
