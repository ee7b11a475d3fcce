"""Sign-up, and the account page (download all your data, delete your account); sign in, sign out and password
reset are Django's own auth views (see urls.py)."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from config.rate_limits import rate_limited
from practice.selectors import sharings_of

from .forms import DeleteAccountForm, SignUpForm
from .personal_data import delete_account, personal_data_json


@rate_limited("sign-up", account=lambda request: None)  # a new account: per address only
def signup(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    allowed = {request.get_host()}
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts=allowed, require_https=request.is_secure()):
        next_url = ""
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(next_url or "planner:saved")
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


@login_required
def account(request):
    context = {"form": DeleteAccountForm(request.user), "sharings": sharings_of(request.user)}
    return render(request, "accounts/account.html", context)


@login_required
def account_data(request):
    response = HttpResponse(personal_data_json(request.user), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="restful-plate-my-data.json"'
    return response


@login_required
def account_delete(request):
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        delete_account(user)
        messages.success(request, "Your account and everything in it have been deleted.")
        return redirect("home")
    return render(request, "accounts/account.html", {"form": form, "confirming": True}, status=200)
