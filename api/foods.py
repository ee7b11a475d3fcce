"""GET foods, foods/{id} and nutrients: the foods browser's selectors, as JSON."""

from __future__ import annotations

from typing import Annotated

from django.http import Http404
from ninja import Path, Query, Router

from nutrition import selectors
from nutrition.models import Food, FoodGroup, Nutrient

from .auth import ANYONE
from .errors import FieldError
from .paging import page_of
from .schemas import MAX_ID, MAX_PAGE_SIZE, TEXT, Error, FoodDiet, FoodOut, FoodPage, NutrientOut, RichIn

router = Router(tags=["foods"], auth=ANYONE)
RICH_IN = (
    f"Only foods of which 100 g give at least {selectors.RICH_SHARE:.0%} of an adult's daily target of this nutrient."
)


def _summary(food: Food) -> dict:
    return {
        "id": food.pk,
        "name": food.name,
        "group": food.food_group.code,
        "diet": food.diet,
        "source": food.source,
        "source_id": food.source_id,
    }


@router.get("foods", response={200: FoodPage, 401: Error, 422: Error}, summary="Search foods")
def list_foods(
    request,
    q: Annotated[str, Query(max_length=100, pattern=TEXT, description="Words in the food's name.")] = "",
    group: Annotated[str, Query(max_length=32, pattern=TEXT, description="A food group code.")] = "",
    diet: Annotated[FoodDiet | None, Query(description="Only foods that suit this diet.")] = None,
    rich_in: Annotated[RichIn | None, Query(description=RICH_IN)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = selectors.PAGE_SIZE,
):
    if group and not FoodGroup.objects.filter(code=group).exists():
        raise FieldError(422, "group", f"{group!r} is not a food group code")
    filters = selectors.FoodFilters(query=q.strip(), group=group, diet=diet or "", rich_in=rich_in or "")
    foods = selectors.filtered_foods(filters, selectors.reader_targets(None))
    return page_of(foods, page, page_size, _summary)


@router.get("foods/{food_id}", response={200: FoodOut, 401: Error, 404: Error, 422: Error}, summary="One food")
def get_food(request, food_id: Annotated[int, Path(ge=1, le=MAX_ID)]):
    try:
        food = selectors.food_detail(food_id)
    except Food.DoesNotExist:
        raise Http404("No such food") from None
    known = food.amounts_by_code()
    return {
        **_summary(food),
        "source_description": food.source_description,
        "allergens": sorted(a.code for a in food.allergens.all()),
        "contains_caffeine": food.contains_caffeine,
        "contains_alcohol": food.contains_alcohol,
        "nutrients": [
            {"code": n.code, "name": n.name, "unit": n.unit, "per_100g": known.get(n.code)}
            for n in Nutrient.objects.all()
        ],
        "portions": [{"amount": p.amount, "description": p.description, "grams": p.grams} for p in food.portions.all()],
    }


@router.get("nutrients", response={200: list[NutrientOut], 401: Error}, summary="Every nutrient, its unit, USDA ids")
def list_nutrients(request):
    return [
        {
            "code": n.code,
            "name": n.name,
            "unit": n.unit,
            "rls_focus": n.is_rls_focus,
            "usda_sr_number": n.usda_sr_number,
            "fdc_nutrient_id": n.fdc_nutrient_id,
        }
        for n in Nutrient.objects.all()
    ]
