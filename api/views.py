"""The API's docs page and its answer for any other path under /api/."""

from django.shortcuts import render

from config.json_errors import json_error


def docs(request):
    return render(request, "api/docs.html")


def not_found(request, path=""):
    return json_error(404, "No such API route; see /api/v1/docs.")
