from django import forms
from django.contrib.auth.forms import UserCreationForm


class SignUpForm(UserCreationForm):
    """Username and password, plus an optional e-mail address so a forgotten password can be reset."""

    email = forms.EmailField(
        label="E-mail (optional)", required=False, help_text="Only used to send a password reset link."
    )

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")
