from django import forms
from django.contrib.auth.forms import UserCreationForm


class SignUpForm(UserCreationForm):
    """Username and password, plus an optional e-mail address so a forgotten password can be reset."""

    email = forms.EmailField(
        label="E-mail (optional)", required=False, help_text="Only used to send a password reset link."
    )

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")


class DeleteAccountForm(forms.Form):
    """Deleting an account asks for the password and the word DELETE, so that no stray click or borrowed
    session can do it."""

    password = forms.CharField(
        label="Your password", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    confirm = forms.CharField(label="Type DELETE to confirm", help_text="Everything goes, and it cannot be undone.")

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["aria-describedby"] = f"error-{name}"

    def clean_password(self):
        password = self.cleaned_data.get("password", "")
        if not self.user.check_password(password):
            raise forms.ValidationError("Your password: that is not your password.")
        return password

    def clean_confirm(self):
        if self.cleaned_data.get("confirm", "").strip() != "DELETE":
            raise forms.ValidationError("Type DELETE to confirm: type the word DELETE in capitals.")
        return "DELETE"


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Token name", max_length=100, help_text="What it is for, e.g. “my phone” or “spreadsheet script”."
    )
