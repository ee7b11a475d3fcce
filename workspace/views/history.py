"""History pages: every version of a food or meal with what changed, who, when and why; revert to one."""

from datetime import datetime

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from nutrition.models import Food
from planner.models.meals import Meal

from .. import history
from ..access import dietitian_required


class RevertForm(forms.Form):
    at = forms.DateTimeField(widget=forms.HiddenInput)
    change_reason = forms.CharField(max_length=100, label="Why revert?")


@dietitian_required
def food_history(request, pk):
    food = get_object_or_404(Food, pk=pk)
    context = {"subject": food, "versions": history.food_versions(food), "kind": "food"}
    return render(request, "workspace/history.html", context)


@dietitian_required
def meal_history(request, pk):
    meal = get_object_or_404(Meal, pk=pk)
    context = {"subject": meal, "versions": history.meal_versions(meal), "kind": "meal"}
    return render(request, "workspace/history.html", context)


def _revert(request, subject, revert, page):
    form = RevertForm(request.POST)
    if not form.is_valid():
        messages.error(request, "To revert, choose a version and say why.")
        return redirect(page, pk=subject.pk)
    at: datetime = form.cleaned_data["at"]
    reason = form.cleaned_data["change_reason"]
    revert(subject, at, user=request.user, reason=reason)
    messages.success(request, f"Reverted {subject} to the version of {at:%Y-%m-%d %H:%M:%S}.")
    return redirect(page, pk=subject.pk)


@dietitian_required
@require_POST
def food_revert(request, pk):
    return _revert(request, get_object_or_404(Food, pk=pk), history.revert_food, "workspace:food_history")


@dietitian_required
@require_POST
def meal_revert(request, pk):
    return _revert(request, get_object_or_404(Meal, pk=pk), history.revert_meal, "workspace:meal_history")
