"""Rendering of a patch list page with its action form (shared by three pages)."""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render

from apps.bundles import selectors as bundle_selectors
from apps.patches import rules
from apps.patches import selectors as patch_selectors
from apps.people import selectors as people_selectors
from apps.web.bulk import Outcome, apply_list_action
from apps.web.forms import BulkUpdateForm
from apps.web.listing import build_patch_list


def list_form_post(request, *, project, bundle=None):
    """Run the list form's action; return (outcome, states, delegates).

    Anonymous users are sent to the login page (upstream answers a 500).
    Returns a redirect response instead of an outcome in that case.
    """
    states = patch_selectors.state_list()
    delegates = people_selectors.project_delegate_choices(project.pk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path()), states, delegates
    if request.POST.get("form") != "patch-list-form":
        return Outcome(), states, delegates
    outcome = apply_list_action(
        request, states=states, delegates=delegates, bundle=bundle
    )
    return outcome, states, delegates


def render_list_page(
    request,
    template: str,
    *,
    project,
    patches,
    outcome: Outcome | None = None,
    states=None,
    delegates=None,
    list_options: dict | None = None,
    context: dict | None = None,
):
    """Render ``template`` with the filtered, paginated list and its forms."""
    states = states if states is not None else patch_selectors.state_list()
    patch_list = build_patch_list(
        request, patches=patches, states=states, **(list_options or {})
    )
    outcome = outcome or Outcome()
    page = {
        "project": project,
        "patch_list": patch_list,
        "errors": outcome.errors,
        "delegate_choices": people_selectors.delegate_filter_choices(),
        "nav": "patches",
    }
    if request.user.is_authenticated:
        if delegates is None:
            delegates = people_selectors.project_delegate_choices(project.pk)
        page["update_form"] = outcome.form or BulkUpdateForm(
            states=states, delegates=delegates
        )
        page["user_bundles"] = bundle_selectors.bundle_choices(request.user)
        page["show_ids"] = request.user.show_ids
        # The state/delegate controls only show to someone who may change a
        # patch on this page (upstream shows them to everyone logged in and
        # refuses per patch on submit, which it still does here). Load the
        # maintained projects up front so the query count does not depend
        # on which rule decides first.
        rules.maintained_project_ids(request.user)
        page["can_update"] = any(
            rules.can_edit_patch(request.user, row) for row in patch_list.rows
        ) or bool(outcome.form)
    page.update(context or {})
    return render(request, template, page)
