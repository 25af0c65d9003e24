"""The XML-RPC methods (upstream interface version 1.3.0).

Arguments are positional, as the protocol passes them. Lookups of missing
objects return ``{}`` (or ``''``) except where upstream faults; every failure
is raised as an exception that the dispatcher turns into a fault.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import Q

from apps.checks import selectors as check_selectors
from apps.checks.models import Check
from apps.checks.services import check_create as create_check
from apps.patches import rules
from apps.patches import selectors as patch_selectors
from apps.patches.mbox import patch_to_mail
from apps.patches.models import State
from apps.patches.services.updates import UNSET, Unset, patch_update
from apps.people import selectors as people_selectors
from apps.projects import selectors as project_selectors
from apps.xmlrpc import structs
from apps.xmlrpc.filters import bounded, evaluate, filter_checks, filter_patches

VERSION = [1, 3, 0]


def _get(queryset, pk, struct) -> dict:
    obj = queryset.filter(pk=pk).first()
    return struct(obj) if obj is not None else {}


def _search(queryset, fields, search_str, max_count, struct) -> list[dict]:
    """Return the structs of the rows where a field contains search_str."""
    if search_str:
        matches = Q()
        for field in fields:
            matches |= Q(**{f"{field}__icontains": search_str})
        queryset = queryset.filter(matches)
    return [struct(obj) for obj in bounded(queryset, int(max_count))]


def pw_rpc_version() -> list[int]:
    """Return the XML-RPC interface version as [major, minor, patch]."""
    return VERSION


def project_list(search_str=None, max_count=0) -> list[dict]:
    """List projects whose link name contains search_str, by link name."""
    projects = project_selectors.projects_by_linkname()
    return _search(
        projects, ("linkname",), search_str, max_count, structs.project_struct
    )


def project_get(project_id) -> dict:
    """Return the project with this id, or an empty struct."""
    return _get(
        project_selectors.projects_by_linkname(), project_id, structs.project_struct
    )


def person_list(search_str=None, max_count=0) -> list[dict]:
    """List people whose name or e-mail contains search_str."""
    people = people_selectors.person_list()
    return _search(
        people, ("name", "email"), search_str, max_count, structs.person_struct
    )


def person_get(person_id) -> dict:
    """Return the person with this id, or an empty struct."""
    return _get(people_selectors.person_list(), person_id, structs.person_struct)


def patch_list(filt=None) -> list[dict]:
    """List patches matching the filter struct, oldest first."""
    filt = filt or {}
    return evaluate(
        lambda f: filter_patches(
            patch_selectors.patch_summaries().order_by("date", "id"), f
        ),
        filt,
        structs.patch_struct,
    )


def patch_get(patch_id) -> dict:
    """Return the patch with this id, or an empty struct."""
    return _get(patch_selectors.patch_summaries(), patch_id, structs.patch_struct)


def patch_get_by_hash(hash) -> dict:
    """Return a patch with this diff hash, or an empty struct."""
    patch = patch_selectors.patch_summaries().filter(hash=hash).order_by("id").first()
    return structs.patch_struct(patch) if patch else {}


def patch_get_by_project_hash(project, hash) -> dict:
    """Return the patch with this hash in the project with this link name."""
    patch = (
        patch_selectors.patch_summaries()
        .filter(project__linkname=project, hash=hash)
        .order_by("id")
        .first()
    )
    return structs.patch_struct(patch) if patch else {}


def patch_get_mbox(patch_id) -> str:
    """Return the patch as an mbox (as the web download), or ''."""
    patch = patch_selectors.patch_mbox_queryset().filter(pk=patch_id).first()
    return patch_to_mail(patch) if patch else ""


def patch_get_diff(patch_id) -> str:
    """Return the patch's diff, or ''."""
    return patch_selectors.patch_diff(patch_id) or ""


def patch_set(user, patch_id, params) -> bool:
    """Set the state (by id), commit_ref and archived flag of a patch."""
    patch = patch_selectors.patch_summaries().filter(pk=patch_id).first()
    if patch is None:
        raise Exception("Patch matching query does not exist.")
    if not rules.can_edit_patch(user, patch):
        raise Exception("No permissions to edit this patch")
    state: State | Unset = UNSET
    if "state" in params:
        found = patch_selectors.state_get(params["state"])
        if found is None:
            raise Exception("State matching query does not exist.")
        state = found
    patch_update(
        patch=patch,
        actor=user,
        state=state,
        commit_ref=params.get("commit_ref", UNSET),
        archived=params.get("archived", UNSET),
    )
    return True


def state_list(search_str=None, max_count=0) -> list[dict]:
    """List states whose name contains search_str, in display order."""
    states = patch_selectors.states()
    return _search(states, ("name",), search_str, max_count, structs.state_struct)


def state_get(state_id) -> dict:
    """Return the state with this id, or an empty struct."""
    return _get(patch_selectors.states(), state_id, structs.state_struct)


def check_list(filt=None) -> list[dict]:
    """List checks matching the filter struct."""
    filt = filt or {}
    return evaluate(
        lambda f: filter_checks(check_selectors.checks_with_patch().order_by("id"), f),
        filt,
        structs.check_struct,
    )


def check_get(check_id) -> dict:
    """Return the check with this id, or an empty struct."""
    return _get(check_selectors.checks_with_patch(), check_id, structs.check_struct)


def check_create(user, patch_id, context, state, target_url="", description="") -> bool:
    """Report a check result on a patch."""
    patch = patch_selectors.patch_summaries().filter(pk=patch_id).first()
    if patch is None:
        raise Exception("Patch matching query does not exist.")
    if not rules.can_create_check(user, patch):
        raise Exception("No permissions to edit this patch")
    codes = {label: value for value, label in Check.State.choices}
    if state not in codes:
        raise Exception(f"Invalid check state: {state}")
    create_check(
        patch=patch,
        user=user,
        state=codes[state],
        context=context,
        target_url=target_url,
        description=description,
    )
    return True


def patch_check_get(patch_id) -> dict:
    """Return the combined check state of a patch with its current checks."""
    patch = patch_selectors.patch_with_check_state(patch_id)
    if patch is None:
        return {}
    current = list(patch_selectors.current_checks(patch_id=patch.pk))
    return {
        "state": Check.State(patch.check_state).label,
        "total": len(current),
        "checks": [structs.check_struct(c) for c in current],
    }


PUBLIC: list[Callable[..., Any]] = [
    pw_rpc_version,
    project_list,
    project_get,
    person_list,
    person_get,
    patch_list,
    patch_get,
    patch_get_by_hash,
    patch_get_by_project_hash,
    patch_get_mbox,
    patch_get_diff,
    state_list,
    state_get,
    check_list,
    check_get,
    patch_check_get,
]
AUTHENTICATED: list[Callable[..., Any]] = [patch_set, check_create]
