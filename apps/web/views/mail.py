"""Mail settings: look up an address's opt-out status and ask to change it."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from apps.notifications.exceptions import NotOptedOut
from apps.notifications.services import is_opted_out, optin_request, optout_request
from apps.people.exceptions import MailNotSent
from apps.people.services import confirmation_send
from apps.web.forms import EmailForm
from apps.web.views.common import site_base_url


@require_http_methods(["GET", "HEAD", "POST"])
def settings_page(request):
    form = EmailForm(request.POST if request.method == "POST" else None)
    context: dict[str, object] = {"form": form}
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        context.update(email=email, opted_out=is_opted_out(email))
    return render(request, "mail/settings.html", context)


def _request_change(request, *, optin: bool):
    if request.method != "POST":
        return redirect("mail-settings")
    form = EmailForm(request.POST)
    context = {"form": form, "optin": optin, "admins": settings.ADMINS}
    if not form.is_valid():
        context["error"] = "There was an error in the form. Please review and retry."
        return render(request, "mail/request_result.html", context)
    email = form.cleaned_data["email"]
    try:
        confirmation = (optin_request if optin else optout_request)(email=email)
        confirmation_send(confirmation=confirmation, base_url=site_base_url(request))
    except NotOptedOut as error:
        context["error"] = str(error)
    except MailNotSent:
        context["error"] = "An error occurred while sending the confirmation e-mail."
        context["mail_failed"] = True
    else:
        context["sent_to"] = email
    return render(request, "mail/request_result.html", context)


def optout(request):
    return _request_change(request, optin=False)


def optin(request):
    return _request_change(request, optin=True)
