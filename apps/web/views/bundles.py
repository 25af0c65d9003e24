"""Bundle lists, the bundle page (settings, reorder, list actions) and old URLs."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from apps.bundles import rules as bundle_rules
from apps.bundles import selectors as bundle_selectors
from apps.bundles.exceptions import DuplicateBundleName
from apps.bundles.models import Bundle
from apps.bundles.services import bundle_delete, bundle_reorder, bundle_update
from apps.ids import parse_id
from apps.patches import links
from apps.web.bulk import Outcome
from apps.web.forms import BundleSettingsForm
from apps.web.listing import IN_BUNDLE_ORDER
from apps.web.views.common import project_or_404
from apps.web.views.lists import list_form_post, render_list_page


def _delete_posted_bundle(request) -> None:
    """Handle a bundle list's delete button (only the owner's bundles)."""
    if request.POST.get("form_name") != "deletebundleform":
        return
    raw_id = request.POST.get("bundle_id", "")
    bundle_id = parse_id(raw_id)
    bundle = (
        bundle_selectors.bundle_get_by_id(bundle_id) if bundle_id is not None else None
    )
    # Upstream deletes whatever id is posted; only the owner may.
    if bundle is None or not bundle_rules.can_edit_bundle(request.user, bundle):
        messages.error(request, "You don't have permission to delete that bundle")
        return
    name = bundle.name
    bundle_delete(bundle=bundle)
    messages.success(request, f"Bundle {name} deleted")


def _bundle_list(request, project=None):
    if request.method == "POST":
        _delete_posted_bundle(request)
    return render(
        request,
        "bundles/list.html",
        {
            "project": project,
            "bundles": list(bundle_selectors.user_bundles(request.user, project)),
            "nav": "bundles",
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def user_bundles(request):
    return _bundle_list(request)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def project_bundles(request, project_id):
    return _bundle_list(request, project_or_404(project_id))


def _visible_bundle(request, username: str, bundlename: str) -> Bundle:
    bundle = bundle_selectors.bundle_get(username, bundlename)
    if bundle is None or not bundle_rules.can_view_bundle(request.user, bundle):
        raise Http404("No bundle matches the given query.")
    return bundle


def _save_settings(request, bundle: Bundle):
    """Handle the owner's settings form; return a redirect or the bound form."""
    action = request.POST.get("action", "").strip().lower()
    if action == "delete":
        bundle_delete(bundle=bundle)
        messages.success(request, f"Bundle {bundle.name} deleted")
        return redirect("user-profile")
    if action != "update":
        return None
    form = BundleSettingsForm(request.POST)
    if not form.is_valid():
        return form
    old_name = bundle.name
    try:
        bundle_update(
            bundle=bundle,
            name=form.cleaned_data["name"],
            public=form.cleaned_data["public"],
        )
    except DuplicateBundleName:
        form.add_error("name", f"A bundle called {form.cleaned_data['name']} exists")
        bundle.name = old_name
        return form
    messages.success(request, "Bundle updated")
    if bundle.name != old_name:
        return redirect(links.bundle_web_path(bundle))
    return None


def _parse_ids(values) -> list[int]:
    ids = []
    for value in values:
        patch_id = parse_id(value)
        if patch_id is None:
            raise Http404("Unknown patch in the new order.")
        if patch_id not in ids:
            ids.append(patch_id)
    return ids


def _reorder(request, bundle: Bundle) -> None:
    """Reorder the bundle from the reorder form.

    ``neworder`` lists the patches shown, in their new order; they take the
    places those patches held in the whole bundle, so entries hidden by
    filters or pagination keep their places and numbers never collide.
    ``move=up:<id>`` / ``move=down:<id>`` (the buttons that work without
    JavaScript) swap one patch with its neighbour.
    """
    order = bundle_selectors.bundle_order(bundle)
    move = request.POST.get("move", "")
    if move:
        direction, _, raw_id = move.partition(":")
        (patch_id,) = _parse_ids([raw_id])
        if patch_id not in order:
            raise Http404("Unknown patch in the new order.")
        index = order.index(patch_id)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(order):
            order[index], order[other] = order[other], order[index]
    else:
        start = request.POST.get("order_start", "")
        wanted = _parse_ids(request.POST.getlist("neworder"))
        if start and _parse_ids([start])[0] not in order:
            raise Http404("Unknown patch in the new order.")
        if any(patch_id not in order for patch_id in wanted):
            raise Http404("Unknown patch in the new order.")
        slots = sorted(order.index(patch_id) for patch_id in wanted)
        for slot, patch_id in zip(slots, wanted, strict=True):
            order[slot] = patch_id
    bundle_reorder(bundle=bundle, patch_ids=order)
    messages.success(request, "Bundle order saved")


@require_http_methods(["GET", "HEAD", "POST"])
def bundle_detail(request, username, bundlename):
    bundle = _visible_bundle(request, username, bundlename)
    is_owner = bundle_rules.can_edit_bundle(request.user, bundle)
    outcome = Outcome()
    settings_form = None
    states = delegates = None
    if request.method == "POST":
        form_name = request.POST.get("form")
        if form_name == "bundle" and is_owner:
            result = _save_settings(request, bundle)
            if isinstance(result, BundleSettingsForm):
                settings_form = result
            elif result is not None:
                return result
        elif form_name == "reorder-form" and is_owner:
            _reorder(request, bundle)
        elif form_name == "patch-list-form":
            outcome, states, delegates = list_form_post(
                request, project=bundle.project, bundle=bundle
            )
            if not isinstance(outcome, Outcome):
                return outcome
    if is_owner and settings_form is None:
        settings_form = BundleSettingsForm(
            initial={"name": bundle.name, "public": bundle.public}
        )
    return render_list_page(
        request,
        "bundles/detail.html",
        project=bundle.project,
        patches=bundle_selectors.bundle_patches(bundle),
        outcome=outcome,
        states=states,
        delegates=delegates,
        list_options={
            # Bundles show every member, in the owner's order (upstream
            # hides accepted/archived ones and sorts others' views by date).
            "default_filters": False,
            "with_delegate": False,
            "default_order": IN_BUNDLE_ORDER,
            "sortable": not is_owner,
        },
        context={
            "bundle": bundle,
            "is_owner": is_owner,
            "settings_form": settings_form,
            "nav": "bundles",
        },
    )


def _owned_bundle(request, bundle_id: int) -> Bundle:
    if not settings.COMPAT_REDIR:
        raise Http404("Old bundle URLs are not served here.")
    bundle = bundle_selectors.bundle_get_by_id(bundle_id)
    if bundle is None or not bundle_rules.can_edit_bundle(request.user, bundle):
        raise Http404("No bundle matches the given query.")
    return bundle


@login_required
def bundle_legacy_redirect(request, bundle_id):
    return redirect(links.bundle_web_path(_owned_bundle(request, bundle_id)))


@login_required
def bundle_mbox_legacy_redirect(request, bundle_id):
    return redirect(links.bundle_mbox_path(_owned_bundle(request, bundle_id)))
