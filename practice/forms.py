from django import forms

from .models import ClientNote


class InviteForm(forms.Form):
    client_name = forms.CharField(label="Client's name", max_length=120, help_text="As you know them; only you see it.")


class NoteForm(forms.ModelForm):
    class Meta:
        model = ClientNote
        fields = ["text"]
        labels = {"text": "New private note"}
        help_texts = {"text": "Only you see your notes; the client never does."}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
