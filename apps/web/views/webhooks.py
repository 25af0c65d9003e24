"""Webhook pages: a project's hooks, a user's own hooks, one hook and its log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from apps.web.forms import WebhookForm
from apps.web.views.common import project_or_404
from apps.webhooks import rules, selectors
from apps.webhooks.services import (
    InvalidWebhook,
    webhook_create,
    webhook_delete,
    webhook_update,
)


def _hook_list(request, *, project, hooks, title: str, nav: str):
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            hook = webhook_create(
                owner=request.user, project=project, **form.cleaned_data
            )
        except InvalidWebhook as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, "Webhook added")
            return redirect("webhook-detail", hook_id=hook.pk)
    return render(
        request,
        "webhooks/list.html",
        {"project": project, "hooks": hooks, "form": form, "title": title, "nav": nav},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def project_webhooks(request, project_id):
    project = project_or_404(project_id)
    if not rules.can_add_project_hook(request.user, project.pk):
        raise PermissionDenied("Only the project's maintainers manage its webhooks.")
    return _hook_list(
        request,
        project=project,
        hooks=selectors.project_hooks(project),
        title=f"Webhooks of {project.name}",
        nav="about-project",
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def user_webhooks(request):
    return _hook_list(
        request,
        project=None,
        hooks=selectors.personal_hooks(request.user),
        title="Webhooks for your patches and series",
        nav="",
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def webhook_detail(request, hook_id):
    hook = selectors.hook_by_id(hook_id)
    if hook is None or not rules.can_manage_hook(request.user, hook):
        raise Http404("No such webhook.")
    back = (
        redirect("project-webhooks", project_id=hook.project.linkname)
        if hook.project is not None
        else redirect("user-webhooks")
    )
    if request.method == "POST" and request.POST.get("action") == "delete":
        webhook_delete(hook=hook)
        messages.success(request, "Webhook deleted")
        return back
    initial = {"url": hook.url, "events": hook.events, "active": hook.active}
    form = WebhookForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            webhook_update(hook=hook, **form.cleaned_data)
        except InvalidWebhook as error:
            form.add_error(error.field, str(error))
        else:
            messages.success(request, "Webhook saved")
            return redirect("webhook-detail", hook_id=hook.pk)
    return render(
        request,
        "webhooks/detail.html",
        {
            "hook": hook,
            "project": hook.project,
            "form": form,
            "log": selectors.delivery_log(hook),
        },
        status=400 if form.errors else 200,
    )
