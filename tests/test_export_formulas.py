"""No spreadsheet runs a cell of our exports as a formula (CSV and XLSX, food and plan exports), numbers stay
numbers, and the food import reads an escaped cell back to the text it was."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from nutrition.exports import export_foods
from nutrition.models import Food, NutrientAmount
from planner.meal_options import clear_meal_cache
from planner.models.meals import Meal

from .test_plan_views import make_plan

pytestmark = pytest.mark.django_db
FORMULA = '=HYPERLINK("x")'
DANGEROUS = [FORMULA, "+1+1", "-2+3", "@SUM(A1)", "\tTab", "'=already quoted"]


@pytest.fixture
def named_foods():
    """Foods whose names start like formulas, one with a negative value (which must stay a number)."""
    foods = list(Food.objects.filter(amounts__nutrient__code="iron_mg").order_by("pk")[: len(DANGEROUS)])
    for food, name in zip(foods, DANGEROUS, strict=True):
        Food.objects.filter(pk=food.pk).update(name=name)
    NutrientAmount.objects.filter(food=foods[0], nutrient__code="iron_mg").update(amount=-1.5)
    return Food.objects.filter(pk__in=[f.pk for f in foods]).order_by("pk")


def test_food_csv_quotes_text_that_starts_like_a_formula_and_keeps_numbers(named_foods):
    rows = list(csv.DictReader(io.StringIO(export_foods("csv", named_foods))))
    assert [r["name"] for r in rows] == ["'" + name for name in DANGEROUS]
    assert rows[0]["iron_mg"] == "-1.5"


def test_food_xlsx_writes_such_text_as_text_never_as_a_formula(named_foods):
    sheet = openpyxl.load_workbook(io.BytesIO(export_foods("xlsx", named_foods))).active
    header = [c.value for c in sheet[1]]
    names = [row[header.index("name")] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in names] == DANGEROUS
    assert all(c.data_type == "s" for c in names)
    iron = sheet.cell(row=2, column=header.index("iron_mg") + 1)
    assert iron.value == -1.5 and iron.data_type == "n"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_food_named_like_a_formula_round_trips_through_export_and_import(named_foods, tmp_path, fmt):
    food = named_foods.first()
    NutrientAmount.objects.filter(food=food, nutrient__code="iron_mg").update(amount=1.5)
    data = export_foods(fmt, Food.objects.filter(pk=food.pk))
    path = tmp_path / f"foods.{fmt}"
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    Food.objects.filter(pk=food.pk).update(name="Renamed meanwhile")
    call_command("import_foods", str(path), stdout=io.StringIO())
    assert Food.objects.get(pk=food.pk).name == FORMULA


def test_plan_exports_quote_meal_and_food_names_that_start_like_formulas(client):
    Meal.objects.update(name=FORMULA)
    Food.objects.update(name="@SUM(A1)")
    clear_meal_cache()
    url = make_plan(client)
    key = url.rstrip("/").split("/")[-1]
    rows = list(csv.DictReader(io.StringIO(client.get(reverse("planner:export", args=[key, "csv"])).content.decode())))
    assert rows and {(r["meal"], r["food"]) for r in rows} == {("'" + FORMULA, "'@SUM(A1)")}
    assert all(not r["grams"].startswith("'") and float(r["grams"]) > 0 for r in rows)
    content = client.get(reverse("planner:export", args=[key, "xlsx"])).content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    header = [c.value for c in sheet[1]]
    meals = [row[header.index("meal")] for row in sheet.iter_rows(min_row=2)]
    assert {c.value for c in meals} == {FORMULA} and all(c.data_type == "s" for c in meals)
