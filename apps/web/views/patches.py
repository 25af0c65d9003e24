"""The project's patch list, the patch page and the cover letter page."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from apps.bundles import selectors as bundle_selectors
from apps.patches import links, rules
from apps.patches import selectors as patch_selectors
from apps.patches.exceptions import PatchError
from apps.patches.services.updates import patch_update
from apps.people import selectors as people_selectors
from apps.web import commands
from apps.web.bulk import Outcome, add_to_bundle, create_bundle
from apps.web.forms import PatchUpdateForm
from apps.web.views.common import project_or_404, site_base_url
from apps.web.views.lists import list_form_post, render_list_page


@require_http_methods(["GET", "HEAD", "POST"])
def patch_list(request, project_id):
    if request.method == "POST":
        return patch_list_action(request, project_id)
    project = project_or_404(project_id)
    return render_list_page(
        request,
        "patches/list.html",
        project=project,
        patches=patch_selectors.project_patches(project),
    )


def patch_list_action(request, project_id):
    """Apply the list's bulk action, then show the list again (same filters)."""
    project = project_or_404(project_id)
    outcome, states, delegates = list_form_post(request, project=project)
    if not isinstance(outcome, Outcome):
        return outcome
    return render_list_page(
        request,
        "patches/list.html",
        project=project,
        patches=patch_selectors.project_patches(project),
        outcome=outcome,
        states=states,
        delegates=delegates,
    )


def _delegate_choices(patch) -> list:
    delegates = people_selectors.project_delegate_choices(patch.project_id)
    if patch.delegate is not None and all(d.pk != patch.delegate_id for d in delegates):
        delegates.append(patch.delegate)
    return delegates


def _update_patch(request, patch, form) -> None:
    data = form.cleaned_data
    changes = {}
    if data["state"].pk != patch.state_id:
        changes["state"] = data["state"]
    new_delegate_id = data["delegate"].pk if data["delegate"] else None
    if new_delegate_id != patch.delegate_id:
        changes["delegate"] = data["delegate"]
    if data["archived"] != patch.archived:
        changes["archived"] = data["archived"]
    try:
        patch_update(patch=patch, actor=request.user, **changes)
    except PatchError as error:
        form.add_error("delegate", str(error))
        return
    messages.success(request, "Patch updated")


@require_http_methods(["GET", "HEAD", "POST"])
def patch_detail(request, project_id, msgid):
    msgid = links.segment_to_msgid(msgid)
    patch = patch_selectors.patch_page(project_id, msgid)
    if patch is None:
        project = project_or_404(project_id)
        if patch_selectors.cover_exists(project, msgid):
            return redirect(links.cover_path(project.linkname, msgid))
        raise Http404("No patch matches the given query.")
    editable = rules.can_edit_patch(request.user, patch)
    states = delegates = form = None
    errors: list[str] = []
    if editable:
        states = patch_selectors.state_list()
        delegates = _delegate_choices(patch)
    if request.method == "POST":
        action = request.POST.get("action", "").strip().lower()
        if action in ("create", "add"):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if action == "create":
                name = request.POST.get("name", "").strip()
                outcome = create_bundle(request, name=name, patches=[patch])
            else:
                bundle_id = request.POST.get("bundle_id", "")
                outcome = add_to_bundle(request, bundle_id=bundle_id, patches=[patch])
            errors = outcome.errors
        elif not editable:
            raise PermissionDenied
        elif action == "update":
            form = PatchUpdateForm(request.POST, states=states, delegates=delegates)
            if form.is_valid():
                _update_patch(request, patch, form)
    if editable and form is None:
        form = PatchUpdateForm(
            states=states,
            delegates=delegates,
            initial={
                "state": patch.state_id,
                "delegate": patch.delegate_id,
                "archived": patch.archived,
            },
        )
    return render(
        request, "patches/detail.html", _patch_context(request, patch, form, errors)
    )


def _with_permissions(request, comments, rule) -> list:
    comments = list(comments)
    for comment in comments:
        comment.user_can_edit = rule(request.user, comment)
    return comments


def _patch_context(request, patch, form, errors) -> dict:
    project = patch.project
    cover = series_patches = newer = None
    if patch.series_id is not None:
        cover = patch.series.cover_letter
        series_patches = patch_selectors.series_members(patch.series_id, project)
        newer = patch_selectors.series_next_version(patch.series)
    same_project, other_projects = patch_selectors.related_patches(patch)
    commit_url = None
    if patch.commit_ref and project.commit_url_format:
        commit_url = project.commit_url_format.replace("{}", patch.commit_ref)
    base = site_base_url(request)
    return {
        "project": project,
        "patch": patch,
        "submission": patch,
        "is_patch": True,
        "comments": _with_permissions(
            request, patch_selectors.comments(patch), rules.can_edit_patch_comment
        ),
        "checks": patch_selectors.patch_checks(patch),
        "series": patch.series,
        "series_cover": cover,
        # Built from the patch's project: the cover's own is not loaded.
        "series_cover_url": (
            links.cover_path(project.linkname, cover.msgid) if cover else None
        ),
        "series_patches": series_patches,
        **_neighbours(patch, series_patches or []),
        "newer_version": newer,
        "related_same": same_project,
        "related_other": other_projects,
        "commit_url": commit_url,
        "archive_url": links.list_archive_url(project, patch.msgid),
        "form": form,
        "errors": errors,
        "user_bundles": (
            bundle_selectors.bundle_choices(request.user)
            if request.user.is_authenticated
            else []
        ),
        "comment_api_kind": "patches",
        **commands.page_commands(base, patch=patch, series=patch.series),
    }


def _neighbours(patch, members: list) -> dict:
    """Return the patches before and after ``patch`` in its series (or None)."""
    ids = [member.pk for member in members]
    if patch.pk not in ids:
        return {"previous_patch": None, "next_patch": None}
    index = ids.index(patch.pk)
    return {
        "previous_patch": members[index - 1] if index > 0 else None,
        "next_patch": members[index + 1] if index + 1 < len(members) else None,
    }


@require_http_methods(["GET", "HEAD", "POST"])
def cover_detail(request, project_id, msgid):
    """Show a cover letter; POSTs change nothing (upstream renders the page)."""
    msgid = links.segment_to_msgid(msgid)
    cover = patch_selectors.cover_detail(project_id, msgid)
    if cover is None:
        project = project_or_404(project_id)
        if patch_selectors.patch_exists(project, msgid):
            return redirect(links.patch_path(project.linkname, msgid))
        raise Http404("No cover letter matches the given query.")
    project = cover.project
    series = getattr(cover, "series", None)
    series_patches = None
    if series is not None:
        series_patches = patch_selectors.series_members(series.pk, project)
    return render(
        request,
        "patches/detail.html",
        {
            "project": project,
            "cover": cover,
            "submission": cover,
            "is_patch": False,
            "comments": _with_permissions(
                request, patch_selectors.comments(cover), rules.can_edit_cover_comment
            ),
            "series": series,
            "series_cover": cover if series is not None else None,
            "series_patches": series_patches,
            "archive_url": links.list_archive_url(project, cover.msgid),
            "comment_api_kind": "covers",
            **commands.page_commands(site_base_url(request), series=series),
        },
    )
