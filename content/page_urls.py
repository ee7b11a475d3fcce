"""Site pages: /about/, /privacy/ and /disclaimer/ by name, any other page under /pages/<slug>/."""

from django.urls import path

from . import views

app_name = "pages"

urlpatterns = [
    path("about/", views.site_page, {"slug": "about"}, name="about"),
    path("privacy/", views.site_page, {"slug": "privacy"}, name="privacy"),
    path("disclaimer/", views.site_page, {"slug": "disclaimer"}, name="disclaimer"),
    path("pages/<slug:slug>/", views.site_page, name="page"),
]
