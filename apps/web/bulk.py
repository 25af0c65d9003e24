"""The patch list form's actions: update, create/add to a bundle, remove from one.

Upstream's semantics (web-ui.md §6.5): selected patches come as
``patch_id:<id>`` fields, a non-empty bundle name turns any action into
Create, each patch is checked against the edit rule, and the outcome is
reported per patch. Everything runs in one transaction.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.db import transaction
from django.http import Http404

from apps.bundles import rules as bundle_rules
from apps.bundles.exceptions import BundleError, DuplicateBundleName
from apps.bundles.models import Bundle
from apps.bundles.selectors import bundle_get_by_id
from apps.bundles.services import (
    bundle_add_patches,
    bundle_create,
    bundle_remove_patches,
)
from apps.ids import parse_id
from apps.patches import rules
from apps.patches.exceptions import PatchError
from apps.patches.models import Patch
from apps.patches.selectors import patches_by_ids
from apps.patches.services.updates import patch_update
from apps.web.forms import BulkUpdateForm, BundleSettingsForm

ACTIONS = ("update", "create", "add", "remove")


@dataclass
class Outcome:
    """What the page shows after an action: errors and the bound update form."""

    errors: list[str] = field(default_factory=list)
    form: BulkUpdateForm | None = None


def selected_ids(post, prefix: str = "patch_id:") -> list[int]:
    """Return the ids of the ticked ``<prefix><id>`` checkboxes of a list form."""
    ids = []
    for key, value in post.items():
        if key.startswith(prefix) and value:
            object_id = parse_id(key.removeprefix(prefix))
            if object_id is not None:
                ids.append(object_id)
    return ids


def requested_action(post) -> str:
    if post.get("name", "").strip():
        return "create"
    return post.get("action", "").strip().lower()


def _selected(post) -> list[Patch]:
    return patches_by_ids(selected_ids(post))


def apply_list_action(
    request, *, states, delegates, bundle: Bundle | None = None
) -> Outcome:
    """Run the action the list form posted, for a logged-in user."""
    action = requested_action(request.POST)
    if action not in ACTIONS:
        return Outcome()
    with transaction.atomic():
        if action == "update":
            return _update(request, states=states, delegates=delegates)
        patches = _selected(request.POST)
        if action == "create":
            name = request.POST.get("name", "").strip()
            return create_bundle(request, name=name, patches=patches)
        if action == "add":
            bundle_id = request.POST.get("bundle_id", "")
            return add_to_bundle(request, bundle_id=bundle_id, patches=patches)
        return _remove(request, bundle=bundle, patches=patches)


def _update(request, *, states, delegates) -> Outcome:
    form = BulkUpdateForm(request.POST, states=states, delegates=delegates)
    if not form.is_valid():
        return Outcome(["The submitted form data was invalid"], form)
    patches = _selected(request.POST)
    if not patches:
        messages.warning(request, "No patches selected; nothing updated")
        return Outcome()
    errors = []
    updated = 0
    changes = form.changes()
    for patch in patches:
        if not rules.can_edit_patch(request.user, patch):
            errors.append(f"You don't have permissions to edit patch '{patch.name}'")
            continue
        try:
            patch_update(patch=patch, actor=request.user, **changes)
        except PatchError as error:
            errors.append(f"Patch '{patch.name}' not updated: {error}")
            continue
        updated += 1
    if updated:
        noun = "patch" if updated == 1 else "patches"
        messages.success(request, f"{updated} {noun} updated")
    else:
        messages.warning(request, "No patches updated")
    return Outcome(errors)


def _report_added(request, bundle: Bundle, patches, added) -> None:
    added_ids = {patch.pk for patch in added}
    for patch in patches:
        if patch.pk in added_ids:
            messages.success(
                request, f"Patch '{patch.name}' added to bundle {bundle.name}"
            )
        else:
            messages.warning(
                request, f"Patch '{patch.name}' already in bundle {bundle.name}"
            )


def create_bundle(request, *, name: str, patches: list[Patch]) -> Outcome:
    """Create a private bundle named ``name`` holding ``patches`` (in date order)."""
    if not name:
        return Outcome(["No bundle name was specified"])
    settings_form = BundleSettingsForm({"name": name})
    if not settings_form.is_valid():
        return Outcome([str(error) for error in settings_form.errors["name"]])
    if not patches:
        # The bundle services keep bundles non-empty (as the REST API does).
        return Outcome(["No patches selected; bundle not created"])
    try:
        bundle = bundle_create(owner=request.user, name=name, patches=patches)
    except DuplicateBundleName:
        return Outcome([f"A bundle called {name} already exists"])
    except BundleError as error:
        return Outcome([str(error)])
    messages.success(request, f"Bundle {bundle.name} created")
    _report_added(request, bundle, patches, patches)
    return Outcome()


def add_to_bundle(request, *, bundle_id: str, patches: list[Patch]) -> Outcome:
    """Append ``patches`` to the user's bundle ``bundle_id`` (404 if unknown)."""
    bundle_id = bundle_id.strip()
    if not bundle_id:
        return Outcome(["No bundle was selected"])
    parsed = parse_id(bundle_id)
    bundle = bundle_get_by_id(parsed) if parsed is not None else None
    if bundle is None:
        raise Http404("No such bundle.")
    if not bundle_rules.can_edit_bundle(request.user, bundle):
        return Outcome(["You don't have permissions to add patches to bundle"])
    try:
        added = bundle_add_patches(bundle=bundle, patches=patches)
    except BundleError as error:
        return Outcome([str(error)])
    _report_added(request, bundle, patches, added)
    return Outcome()


def _remove(request, *, bundle: Bundle | None, patches: list[Patch]) -> Outcome:
    if bundle is None:
        return Outcome()
    if not bundle_rules.can_edit_bundle(request.user, bundle):
        return Outcome(["You don't have permissions to remove patches from bundle"])
    present = set(
        bundle.patches.filter(pk__in=[p.pk for p in patches]).values_list(
            "pk", flat=True
        )
    )
    bundle_remove_patches(bundle=bundle, patch_ids=sorted(present))
    for patch in patches:
        if patch.pk in present:
            messages.success(
                request, f"Patch '{patch.name}' removed from bundle {bundle.name}"
            )
    return Outcome()
