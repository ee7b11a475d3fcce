"""Read-side queries over foods, shaped for pages and exports."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from .models import RLS_NUTRIENTS, Food, Nutrient, NutrientAmount


def foods_with_amounts(queryset: QuerySet[Food] | None = None) -> QuerySet[Food]:
    """Foods with their group, allergens and amounts loaded in a fixed number of queries."""
    queryset = Food.objects.all() if queryset is None else queryset
    return queryset.select_related("food_group").prefetch_related(
        "allergens", Prefetch("amounts", queryset=NutrientAmount.objects.select_related("nutrient"))
    )


def rls_nutrients() -> list[Nutrient]:
    by_code = {n.code: n for n in Nutrient.objects.filter(code__in=RLS_NUTRIENTS)}
    return [by_code[c] for c in RLS_NUTRIENTS if c in by_code]
