from django.urls import path, re_path

from . import views
from .v1 import api

app_name = "api"

urlpatterns = [
    path("v1/docs", views.docs, name="docs"),
    path("v1/", api.urls),
    re_path(r"^(?P<path>.*)$", views.not_found),
]
