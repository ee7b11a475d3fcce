"""Sign-up; sign in, sign out and password reset are Django's own auth views (see urls.py)."""

from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from config.rate_limits import rate_limited

from .forms import SignUpForm


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
