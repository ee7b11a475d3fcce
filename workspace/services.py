"""Writes the workspace makes: food values, meals, and uploads waiting for confirmation.

Every write records who made it and why (django-simple-history's user and change reason).
"""

from __future__ import annotations

import hashlib
import secrets

import pandas as pd
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from nutrition.importers.food_records import ensure_history_baseline
from nutrition.models import Food, Nutrient, NutrientAmount
from planner.models.meals import Meal, MealIngredient

UPLOAD_SECONDS = 3600


def with_reason(obj, user, reason: str):
    obj._change_reason = reason
    obj._history_user = user
    return obj


def touch_food(food: Food):
    """Mark a food as changed and flag the meals that use it for review (no history rows of their own). The meals
    first: the food's `updated_at` moves the food data's stamp, which keys the cached meal lists (workspace.cache),
    so a list rendered under the new stamp already sees the flags."""
    Meal.objects.filter(ingredients__food=food).update(needs_review=True)
    Food.objects.filter(pk=food.pk).update(updated_at=timezone.now())


def set_amount(food: Food, nutrient: Nutrient, value: float | None, source: str, *, user, reason: str) -> bool:
    """Set (or with None, clear to unknown) one value per 100 g. Returns whether anything changed."""
    amount = NutrientAmount.objects.filter(food=food, nutrient=nutrient).first()
    if amount is not None:
        ensure_history_baseline(NutrientAmount, amount.pk)
    if value is None:
        if amount is None:
            return False
        with_reason(amount, user, reason).delete()
    elif amount is None:
        with_reason(NutrientAmount(food=food, nutrient=nutrient, amount=value, source=source), user, reason).save()
    elif amount.amount == value and amount.source == source:
        return False
    else:
        amount.amount, amount.source = value, source
        with_reason(amount, user, reason).save()
    touch_food(food)
    return True


@transaction.atomic
def save_food_with_values(food_form, values_form, *, user, reason: str) -> list[str]:
    """Save the food's own fields and every changed value in one step; returns the codes that changed."""
    ensure_history_baseline(Food, food_form.instance.pk)
    food = with_reason(food_form.save(commit=False), user, reason)
    food.save()
    food_form.save_m2m()
    changed = []
    source = values_form.cleaned_data.get("values_source", "")
    for nutrient, value in values_form.changed_values():
        set_amount(food, nutrient, value, source, user=user, reason=reason)
        changed.append(nutrient.code)
    if set(food_form.changed_data) - {"change_reason"}:
        touch_food(food)
    return changed


@transaction.atomic
def save_meal(meal_form, formset, *, user, reason: str) -> Meal:
    """Save a meal and its ingredients; saving also means the dietitian has reviewed it."""
    ensure_history_baseline(Meal, meal_form.instance.pk)
    for ingredient_pk in MealIngredient.objects.filter(meal_id=meal_form.instance.pk).values_list("pk", flat=True):
        ensure_history_baseline(MealIngredient, ingredient_pk)
    meal = with_reason(meal_form.save(commit=False), user, reason)
    meal.needs_review = False
    meal.save()
    kept = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE") or not data.get("food"):
            continue
        ingredient = MealIngredient.objects.filter(meal=meal, food=data["food"]).first() or MealIngredient(
            meal=meal, food=data["food"]
        )
        if ingredient.pk is None or ingredient.grams != data["grams"] or ingredient.order != len(kept):
            ingredient.grams, ingredient.order = data["grams"], len(kept)
            with_reason(ingredient, user, reason).save()
        kept.append(ingredient.pk)
    for gone in MealIngredient.objects.filter(meal=meal).exclude(pk__in=kept):
        with_reason(gone, user, reason).delete()
    return meal


def mark_meal_reviewed(meal: Meal, *, user, reason: str = "Reviewed: foods changed, meal still right") -> None:
    ensure_history_baseline(Meal, meal.pk)
    meal.needs_review = False
    with_reason(meal, user, reason).save()


def meal_totals(rows: list[tuple[Food, float]]) -> list[dict]:
    """Nutrients in one serving of these (food, grams) rows, in display order.

    Each row: nutrient, total of the known amounts, and the foods that do not report it; a nutrient
    no food reports has total None (unknown).
    """
    result = []
    known_amounts = [(food, grams, food.amounts_by_code()) for food, grams in rows]
    for nutrient in Nutrient.objects.order_by("display_order", "code"):
        total, missing, known = 0.0, [], False
        for food, grams, amounts in known_amounts:
            value = amounts.get(nutrient.code)
            if value is None:
                missing.append(food)
            else:
                known = True
                total += value * grams / 100.0
        result.append({"nutrient": nutrient, "total": total if known else None, "missing": missing})
    return result


def stash_upload(user, frame: pd.DataFrame, filename: str, fingerprint: str) -> str:
    """Keep an uploaded sheet, as read for its preview, until the dietitian confirms it (shared cache: any app
    server). The sheet is kept as plain lists, so confirming never reads the file again."""
    token = secrets.token_urlsafe(16)
    sheet = {"columns": list(frame.columns), "rows": frame.to_numpy().tolist()}
    cache.set(f"workspace-upload:{user.pk}:{token}", (sheet, filename, fingerprint), UPLOAD_SECONDS)
    return token


def stashed_upload(user, token: str) -> tuple[pd.DataFrame, str, str] | None:
    """The stashed sheet, its file name and fingerprint, or None when it expired or is someone else's."""
    stashed = cache.get(f"workspace-upload:{user.pk}:{token}")
    if stashed is None:
        return None
    sheet, filename, fingerprint = stashed
    return pd.DataFrame(sheet["rows"], columns=sheet["columns"], dtype=str), filename, fingerprint


def drop_upload(user, token: str) -> None:
    cache.delete(f"workspace-upload:{user.pk}:{token}")


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]
