"""Registration, the confirmation links and the password pages."""

from collections.abc import Callable

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.messages.views import SuccessMessageMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods

from apps.notifications.services import optin_confirm, optout_confirm
from apps.people.exceptions import MailNotSent
from apps.people.models import EmailConfirmation
from apps.people.registration import registration_request
from apps.people.services import (
    confirmation_get,
    confirmation_is_expired,
    person_link_confirm,
    registration_confirm,
)
from apps.web.forms import LoginForm, RegistrationForm
from apps.web.views.common import site_base_url


@require_http_methods(["GET", "HEAD", "POST"])
def register(request):
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        # The same page whether or not the address or username is known.
        try:
            registration_request(**form.cleaned_data, base_url=site_base_url(request))
        except MailNotSent:
            return render(
                request, "people/register.html", {"form": form, "mail_error": True}
            )
        return render(
            request, "people/register_done.html", {"email": form.cleaned_data["email"]}
        )
    return render(request, "people/register.html", {"form": form})


@login_required
def _confirm_link(request, confirmation):
    # The mail proves the address is the reader's; the login proves which
    # account it joins. Someone else following the link (an address shared
    # with or forwarded to them) must not link it to the asker's account.
    if request.user.pk != confirmation.user_id:
        return render(
            request,
            "people/confirm_other_account.html",
            {"conf": confirmation},
            status=403,
        )
    person = person_link_confirm(confirmation=confirmation)
    return render(request, "people/link_done.html", {"person": person})


def _confirm_registration(request, confirmation):
    user = registration_confirm(confirmation=confirmation)
    return render(request, "people/register_confirmed.html", {"new_user": user})


def _confirm_optout(request, confirmation):
    optout_confirm(confirmation=confirmation)
    return render(request, "mail/optout_done.html", {"email": confirmation.email})


def _confirm_optin(request, confirmation):
    optin_confirm(confirmation=confirmation)
    return render(request, "mail/optin_done.html", {"email": confirmation.email})


_ACTIONS: dict[str, Callable[[HttpRequest, EmailConfirmation], HttpResponse]] = {
    EmailConfirmation.Type.REGISTRATION: _confirm_registration,
    EmailConfirmation.Type.USERPERSON: _confirm_link,
    EmailConfirmation.Type.OPTOUT: _confirm_optout,
    EmailConfirmation.Type.OPTIN: _confirm_optin,
}


def confirm(request, key):
    """Follow a mailed confirmation link: run the action its type names."""
    confirmation = confirmation_get(key)
    if confirmation is None or confirmation.type not in _ACTIONS:
        raise Http404("No confirmation matches the given key.")
    if not confirmation.active:
        return render(request, "people/confirm_used.html", {"conf": confirmation})
    if confirmation_is_expired(confirmation):
        return render(request, "people/confirm_expired.html", {"conf": confirmation})
    return _ACTIONS[confirmation.type](request, confirmation)


class LoginView(auth_views.LoginView):
    template_name = "people/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = False


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "people/password_change.html"
    success_url = reverse_lazy("password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "people/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "people/password_reset.html"
    email_template_name = "mail/password-reset.txt"
    subject_template_name = "mail/password-reset-subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        self.extra_email_context = {"base_url": site_base_url(self.request)}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "people/password_reset_done.html"


class PasswordResetConfirmView(
    SuccessMessageMixin, auth_views.PasswordResetConfirmView
):
    template_name = "people/password_reset_confirm.html"
    success_url = reverse_lazy("auth_login")
    success_message = "Your password has been set. You may log in now."
