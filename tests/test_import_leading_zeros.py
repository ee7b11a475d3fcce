"""A CSV that went through a spreadsheet program lost the leading zeros of its NDB numbers (09001 -> 9001): the
import matches such ids to the same food and says so in the preview; a real mismatch is still refused."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from nutrition.exports import export_foods
from nutrition.models import Food

pytestmark = pytest.mark.django_db


@pytest.fixture
def zero_food():
    """A curated SR26 food whose NDB number starts with a zero, with an iron value."""
    food = Food.objects.filter(source="usda-sr26", source_id__startswith="0", amounts__nutrient__code="iron_mg")
    food = food.order_by("pk").first()
    assert food is not None
    return food


def as_spreadsheet_saves_it(food, tmp_path, **cells):
    """The food's export as a spreadsheet program writes it back: numbers without leading zeros."""
    frame = pd.read_csv(io.StringIO(export_foods("csv", Food.objects.filter(pk=food.pk))))  # numbers parsed
    for column, value in cells.items():
        frame.loc[0, column] = value
    path = tmp_path / "foods.csv"
    frame.to_csv(path, index=False)
    return path


def test_ids_without_their_leading_zeros_import_as_the_same_food(zero_food, tmp_path):
    path = as_spreadsheet_saves_it(zero_food, tmp_path, iron_mg=7.25)
    assert f",{zero_food.source_id.lstrip('0')}," in path.read_text()
    err = io.StringIO()
    call_command("import_foods", str(path), stdout=io.StringIO(), stderr=err)
    food = Food.objects.get(pk=zero_food.pk)
    assert food.amounts_by_code()["iron_mg"] == 7.25
    assert food.source_id == zero_food.source_id
    assert f"read as '{zero_food.source_id}'" in err.getvalue()


def test_preview_says_the_id_was_read_with_its_leading_zeros(zero_food, tmp_path, signed_in):
    path = as_spreadsheet_saves_it(zero_food, tmp_path, iron_mg=7.25)
    with path.open("rb") as handle:
        response = signed_in.post(reverse("workspace:import_foods"), {"file": handle})
    assert response.status_code == 200
    stripped = zero_food.source_id.lstrip("0")
    expected = f"row 2, source_id: &#x27;{stripped}&#x27; read as &#x27;{zero_food.source_id}&#x27;"
    assert expected in response.content.decode()


def test_a_different_id_is_still_refused(zero_food, tmp_path):
    path = as_spreadsheet_saves_it(zero_food, tmp_path, source_id=int(zero_food.source_id) + 1)
    with pytest.raises(CommandError, match="differs from the food's own"):
        call_command("import_foods", str(path), stdout=io.StringIO())


def test_a_new_row_naming_an_existing_food_without_its_zeros_is_refused_with_its_id(zero_food, tmp_path):
    path = as_spreadsheet_saves_it(zero_food, tmp_path)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[0, "id"] = ""
    frame.to_csv(path, index=False)
    with pytest.raises(CommandError, match=f"'{zero_food.source_id}' already exists: give its id {zero_food.pk}"):
        call_command("import_foods", str(path), stdout=io.StringIO())
