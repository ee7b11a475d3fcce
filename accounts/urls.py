from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.urls import path, reverse_lazy

from config.rate_limits import posted, rate_limited, sign_in_form

from . import views

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("me/", views.account, name="account"),
    path("me/data.json", views.account_data, name="account_data"),
    path("me/delete/", views.account_delete, name="account_delete"),
    path(
        "login/",
        sign_in_form(
            views.blank_form_page(
                "registration/login.html", "sign-in", lambda request: {"form": AuthenticationForm(request), "next": ""},
                no_cache=True,
            )(auth_views.LoginView.as_view())
        ),
        name="login",
    ),
    path("me/tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        rate_limited("password-reset", posted("email"))(
            views.blank_form_page(
                "registration/password_reset_form.html", "password-reset", lambda request: {"form": PasswordResetForm()}
            )(
                auth_views.PasswordResetView.as_view(
                    email_template_name="registration/password_reset_email.txt",
                    subject_template_name="registration/password_reset_subject.txt",
                    success_url=reverse_lazy("accounts:password_reset_done"),
                )
            )
        ),
        name="password_reset",
    ),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(success_url=reverse_lazy("accounts:password_reset_complete")),
        name="password_reset_confirm",
    ),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
