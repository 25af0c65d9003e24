"""Forms of the web pages: they parse and validate; services do the writing."""

import re

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from rest_framework.exceptions import Throttled

from apps.api.throttling import check_credentials
from apps.events.models import Event
from apps.people.models import MAX_ITEMS_PER_PAGE, User
from apps.people.names import validate_name

NO_CHANGE = "*"


def _user_choices(users) -> list[tuple[str, str]]:
    return [(str(user.pk), user.display_name) for user in users]


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    """Return the form's own copy of its choice field ``name``."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # declared as one on the form
    return field


class LoginForm(AuthenticationForm):
    """The login form, counting wrong passwords against the caller's address.

    The same limit as HTTP Basic (``apps.api.throttling``): past it, the
    form refuses without checking the password.
    """

    def clean(self):
        parent = super().clean
        try:
            return check_credentials(self.request, parent, ValidationError)
        except Throttled as exc:
            raise ValidationError(
                f"Too many failed logins from your address. {exc.detail}",
                code="throttled",
            ) from None


class PatchUpdateForm(forms.Form):
    """State, delegate and archive flag of one patch (patch page)."""

    state = forms.TypedChoiceField(coerce=int)
    delegate = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    archived = forms.BooleanField(required=False)

    def __init__(self, *args, states, delegates, **kwargs):
        super().__init__(*args, **kwargs)
        self.states = {state.pk: state for state in states}
        self.delegates = {user.pk: user for user in delegates}
        _choice_field(self, "state").choices = [(s.pk, s.name) for s in states]
        _choice_field(self, "delegate").choices = [
            ("", "Nobody"),
            *_user_choices(delegates),
        ]

    def clean_state(self):
        return self.states[self.cleaned_data["state"]]

    def clean_delegate(self):
        delegate_id = self.cleaned_data["delegate"]
        return self.delegates[delegate_id] if delegate_id is not None else None


class BulkUpdateForm(forms.Form):
    """The list's state/delegate/archive controls; ``*`` means no change."""

    state = forms.ChoiceField()
    delegate = forms.ChoiceField(required=False)
    archived = forms.ChoiceField(
        choices=[(NO_CHANGE, "No change"), ("True", "Archive"), ("False", "Unarchive")],
        required=False,
    )

    def __init__(self, *args, states, delegates, **kwargs):
        super().__init__(*args, **kwargs)
        self.states = {str(state.pk): state for state in states}
        self.delegates = {str(user.pk): user for user in delegates}
        _choice_field(self, "state").choices = [(NO_CHANGE, "No change")] + [
            (str(s.pk), s.name) for s in states
        ]
        _choice_field(self, "delegate").choices = [
            (NO_CHANGE, "No change"),
            ("", "Nobody"),
            *_user_choices(delegates),
        ]
        # An unbound form shows "No change" everywhere.
        for name in ("state", "delegate", "archived"):
            self.fields[name].initial = NO_CHANGE

    def changes(self) -> dict:
        """Return the keyword arguments for ``patch_update`` (only real changes)."""
        data = self.cleaned_data
        changes = {}
        if data["state"] != NO_CHANGE:
            changes["state"] = self.states[data["state"]]
        if data.get("delegate", NO_CHANGE) != NO_CHANGE:
            changes["delegate"] = self.delegates.get(data["delegate"])
        if data.get("archived") in ("True", "False"):
            changes["archived"] = data["archived"] == "True"
        return changes

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        # An absent delegate/archived field means "no change", as upstream.
        if "delegate" not in self.data:
            data["delegate"] = NO_CHANGE
        if not self.data.get("archived"):
            data["archived"] = NO_CHANGE
        return data


def validate_bundle_name(name: str) -> None:
    if "/" in name:
        raise ValidationError("Bundle names can't contain slashes")


class BundleSettingsForm(forms.Form):
    name = forms.CharField(max_length=50, validators=[validate_bundle_name])
    public = forms.BooleanField(required=False)


class ProfileForm(forms.Form):
    items_per_page = forms.IntegerField(
        label="Patches per page",
        validators=[MinValueValidator(1)],
        max_value=MAX_ITEMS_PER_PAGE,
    )
    show_ids = forms.BooleanField(label="Show patch IDs", required=False)


_USERNAME = re.compile(r"^\w+$", re.ASCII)


class RegistrationForm(forms.Form):
    first_name = forms.CharField(
        max_length=30, required=False, validators=[validate_name]
    )
    last_name = forms.CharField(
        max_length=30, required=False, validators=[validate_name]
    )
    username = forms.CharField(
        max_length=30, help_text="Letters, digits and underscores only."
    )
    email = forms.EmailField(max_length=100, label="E-mail address")
    password = forms.CharField(widget=forms.PasswordInput, strip=False)

    def clean_username(self):
        # Whether the name is taken is said only by mail to the address
        # given (apps.people.registration), like whether the address is.
        username = self.cleaned_data["username"]
        if not _USERNAME.match(username):
            raise ValidationError(
                "Usernames may contain only letters, digits and underscores."
            )
        return username

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        password = data.get("password")
        if password:
            candidate = User(
                username=data.get("username", ""),
                email=data.get("email", ""),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                validate_password(password, candidate)
            except ValidationError as error:
                self.add_error("password", error)
        return data


class EmailForm(forms.Form):
    email = forms.EmailField(max_length=200, label="E-mail address")


class WebhookForm(forms.Form):
    """A webhook's fields; the secret is never shown back (write-only)."""

    url = forms.URLField(label="Payload URL", max_length=500, assume_scheme="https")
    secret = forms.CharField(
        max_length=255,
        widget=forms.PasswordInput(render_value=False),
        help_text="Signs each delivery (X-Patchserver-Signature: sha256=HMAC).",
    )
    # Labelled with the categories' names in /api/events/ and the headers.
    events = forms.MultipleChoiceField(
        choices=[(name, name) for name in Event.Category.values],
        widget=forms.CheckboxSelectMultiple,
    )
    active = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args, editing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            secret = self.fields["secret"]
            secret.required = False
            secret.help_text = "Leave empty to keep the current secret."
