"""Sign-up and the account page (API tokens); sign in, sign out and password reset are Django's own auth views."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import tokens
from .forms import ApiTokenForm, SignUpForm
from .models import ApiToken


def signup(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(next_url or "planner:saved")
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


@never_cache  # the page that shows a new token once must not be kept by any cache
@login_required
def account(request):
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        token, new_token = tokens.create_token(request.user, form.cleaned_data["name"])
        form = ApiTokenForm()
        messages.success(request, f"Token “{token.name}” created. Copy it now: it will not be shown again.")
    context = {"form": form, "new_token": new_token, "tokens": ApiToken.objects.owned_by(request.user)}
    return render(request, "accounts/account.html", context)


@login_required
@require_POST
def revoke_token(request, pk):
    token = tokens.revoke(request.user, pk)
    if token is None:
        messages.error(request, "That token does not exist (it may have been revoked already).")
    else:
        messages.success(request, f"Token “{token.name}” revoked: it no longer works.")
    return redirect("accounts:account")
