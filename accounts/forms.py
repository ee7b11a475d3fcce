from django import forms
from django.contrib.auth.forms import UserCreationForm


class SignUpForm(UserCreationForm):
    """Username and password, plus an optional e-mail address so a forgotten password can be reset."""

    email = forms.EmailField(
        label="E-mail (optional)", required=False, help_text="Only used to send a password reset link."
    )

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Token name", max_length=100, help_text="What it is for, e.g. “my phone” or “spreadsheet script”."
    )
