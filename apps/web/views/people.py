"""The logged-in user's pages: profile, todo lists, linked addresses, API token."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from apps.api.tokens import api_token_key, api_token_regenerate
from apps.bundles import selectors as bundle_selectors
from apps.notifications.services import normalise_address, opted_out_addresses
from apps.patches import selectors as patch_selectors
from apps.people import selectors as people_selectors
from apps.people.exceptions import CannotUnlink, MailNotSent
from apps.people.services import (
    confirmation_send,
    person_link_request,
    person_unlink,
    profile_update,
)
from apps.projects import selectors as project_selectors
from apps.web.bulk import Outcome
from apps.web.forms import EmailForm, ProfileForm
from apps.web.views.common import project_or_404, site_base_url
from apps.web.views.lists import list_form_post, render_list_page


@dataclass(frozen=True)
class LinkedAddress:
    """A row of the profile's address table."""

    pk: int
    email: str
    opted_out: bool
    is_primary: bool


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request):
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            profile_update(user=user, **form.cleaned_data)
            messages.success(request, "Settings saved")
            form = ProfileForm(
                initial={
                    "items_per_page": user.items_per_page,
                    "show_ids": user.show_ids,
                }
            )
    else:
        form = ProfileForm(
            initial={"items_per_page": user.items_per_page, "show_ids": user.show_ids}
        )
    linked = people_selectors.user_persons(user)
    opted_out = opted_out_addresses(person.email for person in linked)
    persons = [
        LinkedAddress(
            pk=person.pk,
            email=person.email,
            opted_out=normalise_address(person.email) in opted_out,
            is_primary=person.email.lower() == user.email.lower(),
        )
        for person in linked
    ]
    token = None
    if settings.ENABLE_REST_API:
        token = api_token_key(user)
    return render(
        request,
        "people/profile.html",
        {
            "form": form,
            "maintained": project_selectors.maintained_projects(user),
            "contributed": patch_selectors.contributed_projects(user),
            "persons": persons,
            "link_form": EmailForm(),
            "bundles": list(bundle_selectors.user_bundles(user)),
            "token": token,
            # Also replaces the navigation bar's lazy count (one query, not two).
            "todo_total": patch_selectors.todo_count(user),
        },
    )


@login_required
def todo_overview(request):
    projects = patch_selectors.todo_projects(request.user)
    if len(projects) == 1:
        return redirect("user-todo", project_id=projects[0].linkname)
    return render(request, "people/todo_overview.html", {"todo_projects": projects})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def todo_list(request, project_id):
    project = project_or_404(project_id)
    outcome, states, delegates = Outcome(), None, None
    if request.method == "POST":
        outcome, states, delegates = list_form_post(request, project=project)
    states = states or patch_selectors.state_list()
    return render_list_page(
        request,
        "people/todo_list.html",
        project=project,
        patches=patch_selectors.todo_patches(request.user, project),
        outcome=outcome,
        states=states,
        delegates=delegates,
        list_options={"forced_delegate": request.user},
        context={
            "action_states": [s for s in states if s.action_required],
            "nav": "todo",
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def link_address(request):
    form = EmailForm(request.POST if request.method == "POST" else None)
    sent_to = error = None
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        confirmation = person_link_request(user=request.user, email=email)
        try:
            confirmation_send(
                confirmation=confirmation, base_url=site_base_url(request)
            )
        except MailNotSent:
            error = "An error occurred while sending the confirmation e-mail."
        else:
            sent_to = email
    return render(
        request,
        "people/link.html",
        {"form": form, "sent_to": sent_to, "mail_error": error},
    )


@login_required
def unlink_address(request, person_id):
    """Unlink one of the user's addresses (POST); GET changes nothing."""
    if request.method == "POST":
        person = people_selectors.person_get(person_id)
        if person is None:
            messages.error(request, "That address is not linked to your account.")
        else:
            try:
                person_unlink(user=request.user, person=person)
            except CannotUnlink as error:
                messages.error(request, str(error))
            else:
                messages.success(request, f"{person.email} unlinked")
    return redirect("user-profile")


@login_required
@require_POST
def generate_token(request):
    if not settings.ENABLE_REST_API:
        raise Http404("The REST API is disabled.")
    api_token_regenerate(user=request.user)
    messages.success(request, "A new API token was generated")
    return redirect("user-profile")
