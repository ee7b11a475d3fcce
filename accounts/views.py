"""Sign-up, and the account page (API tokens, sharing, download all your data, delete your account); sign in, sign
out and password reset are Django's own auth views (see urls.py)."""

import functools
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from config import page_cache
from config.rate_limits import rate_limited
from planner.models import Plan
from practice.selectors import sharings_of

from . import tokens
from .forms import ApiTokenForm, DeleteAccountForm, SignUpForm
from .models import ApiToken
from .personal_data import delete_account, personal_data_json


def blank_form_page(template: str, name: str, context: Callable[[object], dict], *, no_cache: bool = False):
    """A view decorator for the sign-in, sign-up and password-reset pages: a plain visitor's GET with no query string
    gets the empty form as a whole page from the page cache (each with their own CSRF token: `page_cache.page`);
    the page depends on nothing but this release's code and templates, which key it. Anything else (a POST, a
    `?next=`, a signed-in visitor, a waiting message) goes to the view. `no_cache` keeps the headers of a view under
    `never_cache` (Django's sign-in view)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method != "GET" or request.GET or not page_cache.plain_visitor(request):
                return view(request, *args, **kwargs)
            response = page_cache.page(request, template, name, (), lambda: context(request))
            if no_cache:
                add_never_cache_headers(response)
            return response

        return wrapped

    return decorator


@rate_limited("sign-up", account=lambda request: None)  # a new account: per address only
@blank_form_page("accounts/signup.html", "sign-up", lambda request: {"form": SignUpForm(), "next": ""})
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


def _empty_fields(name: str, template: str, context: dict) -> str:
    """An empty form's fields: the same for everyone (no values, no errors; the CSRF token sits outside them), so
    rendered once per release (`page_cache.cached`) instead of widget by widget on every visit."""
    return mark_safe(page_cache.cached(name, (), lambda: render_to_string(template, context)))  # noqa: S308


def _account_page(request, *, token_form=None, delete_form=None, new_token=None, confirming=False):
    token_form = token_form or ApiTokenForm()
    delete_form = delete_form or DeleteAccountForm(request.user)
    context = {
        "token_form": token_form,
        "new_token": new_token,
        "tokens": ApiToken.objects.owned_by(request.user),
        "sharings": sharings_of(request.user),
        "plans": Plan.objects.owned_by(request.user).only("pk", "name", "updated_at"),  # their handouts
        "delete_form": delete_form,
        "confirming": confirming,
    }
    if not token_form.is_bound:
        context["token_fields"] = _empty_fields(
            "account-token-fields", "accounts/form_fields.html", {"form": token_form}
        )
    if not delete_form.is_bound:
        context["delete_fields"] = _empty_fields(
            "account-delete-fields", "accounts/account.html#delete-fields", {"delete_form": delete_form}
        )
    return render(request, "accounts/account.html", context)


@never_cache  # the page that shows a new token once must not be kept by any cache
@login_required
def account(request):
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, new_token = tokens.create_token(request.user, form.cleaned_data["name"])
        messages.success(request, f"Token “{token.name}” created. Copy it now: it will not be shown again.")
        return _account_page(request, new_token=new_token)
    return _account_page(request, token_form=form)


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
    return _account_page(request, delete_form=form, confirming=True)


@login_required
@require_POST
def revoke_token(request, pk):
    token = tokens.revoke(request.user, pk)
    if token is None:
        messages.error(request, "That token does not exist (it may have been revoked already).")
    else:
        messages.success(request, f"Token “{token.name}” revoked: it no longer works.")
    return redirect("accounts:account")
