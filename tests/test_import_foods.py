"""manage.py import_foods FILE [--dry-run]: export -> edit in a spreadsheet -> import back, all or nothing."""

from __future__ import annotations

import io
from io import StringIO

import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from nutrition.exports import export_foods
from nutrition.models import Food, ImportBatch, NutrientAmount


@pytest.fixture
def foods(db):
    """Three curated foods (from the fixtures) with a known iron value."""
    chosen = list(Food.objects.filter(amounts__nutrient__code="iron_mg").order_by("pk")[:3])
    assert len(chosen) == 3, "the curated food fixtures should be loaded"
    return chosen


def exported(foods, format="csv") -> pd.DataFrame:
    data = export_foods(format, Food.objects.filter(pk__in=[f.pk for f in foods]).order_by("pk"))
    raw = io.StringIO(data) if format == "csv" else io.BytesIO(data)
    reader = pd.read_csv if format == "csv" else pd.read_excel
    return reader(raw, dtype=str, keep_default_na=False) if format == "csv" else reader(raw, dtype=str).fillna("")


def write(frame: pd.DataFrame, tmp_path, name="foods.csv"):
    path = tmp_path / name
    if name.endswith(".xlsx"):
        frame.to_excel(path, index=False)
    else:
        frame.to_csv(path, index=False)
    return path


def run(path, *args):
    out = StringIO()
    call_command("import_foods", str(path), *args, stdout=out)
    return out.getvalue()


def snapshot():
    return (
        Food.objects.count(),
        ImportBatch.objects.count(),
        sorted(Food.objects.values_list("pk", "name", "food_group_id", "diet")),
        sorted(NutrientAmount.objects.values_list("food_id", "nutrient__code", "amount")),
    )


def iron(food) -> float | None:
    return Food.objects.get(pk=food.pk).amounts_by_code().get("iron_mg")


def test_unedited_export_imports_back_with_no_change(foods, tmp_path):
    before = snapshot()
    out = run(write(exported(foods), tmp_path))
    assert "0 to create, 0 to change, 3 unchanged" in out
    assert snapshot()[2:] == before[2:]
    assert ImportBatch.objects.filter(kind="import-foods").count() == 1


def test_edited_values_update_the_food_and_an_empty_cell_makes_it_unknown(foods, tmp_path):
    frame = exported(foods)
    frame.loc[0, "iron_mg"] = "7.25"
    frame.loc[0, "name"] = "Renamed by a dietitian"
    frame.loc[1, "iron_mg"] = ""
    path = write(frame, tmp_path)
    run(path)
    assert iron(foods[0]) == 7.25
    assert Food.objects.get(pk=foods[0].pk).name == "Renamed by a dietitian"
    assert iron(foods[1]) is None
    assert not NutrientAmount.objects.filter(food=foods[1], nutrient__code="iron_mg").exists()
    batch = ImportBatch.objects.filter(kind="import-foods").latest("pk")
    assert (batch.created, batch.updated, batch.unchanged) == (0, 2, 1)
    latest = Food.objects.get(pk=foods[0].pk).history.latest()
    assert latest.history_change_reason.startswith(f"import-foods #{batch.pk}")
    assert Food.objects.get(pk=foods[0].pk).import_batch == batch


def test_dry_run_reports_each_change_per_food_and_field_and_writes_nothing(foods, tmp_path):
    old_iron = iron(foods[0])
    frame = exported(foods)
    frame.loc[0, "iron_mg"] = "7.25"
    frame.loc[2, "vitamin_c_mg"] = ""
    frame.loc[3] = [
        "",
        "Lentil soup, home recipe",
        foods[0].food_group.name,
        "dietitian",
        "soup-1",
        "vegan",
        "",
        *[""] * (frame.shape[1] - 7),
    ]
    before = snapshot()
    out = run(write(frame, tmp_path), "--dry-run")
    assert snapshot() == before
    assert f"row 2: would change food {foods[0].pk}" in out
    assert f"iron_mg: {old_iron:g} -> 7.25" in out
    assert "row 5: would create 'Lentil soup, home recipe'" in out
    assert "Dry run, nothing written: 1 to create, " in out


def test_row_without_id_creates_a_food_with_its_source_and_diet(foods, tmp_path):
    frame = exported(foods).iloc[:1].copy()
    frame.loc[0, ["id", "name", "source", "source_id", "diets", "allergens"]] = [
        "",
        "Lentil soup",
        "dietitian",
        "soup-1",
        "vegan;vegetarian;pescatarian;omnivore",
        "soy",
    ]
    run(write(frame, tmp_path))
    food = Food.objects.get(source="dietitian", source_id="soup-1")
    assert food.name == "Lentil soup" and food.diet == "vegan"
    assert [a.code for a in food.allergens.all()] == ["soy"]
    assert food.amounts_by_code().get("iron_mg") == float(frame.loc[0, "iron_mg"])


def test_xlsx_round_trip_applies_an_edit(foods, tmp_path):
    frame = exported(foods, "xlsx")
    frame.loc[2, "iron_mg"] = "3.5"
    run(write(frame, tmp_path, "foods.xlsx"))
    assert iron(foods[2]) == 3.5


def _bad(kind, frame, foods):
    """Make one kind of mistake in row 3 (the sheet's second data row); row 2 carries a valid edit."""
    frame.loc[0, "iron_mg"] = "9.99"
    if kind == "not a number":
        frame.loc[1, "iron_mg"] = "abc"
        return "row 3, iron_mg: 'abc' is not a number"
    if kind == "negative":
        frame.loc[1, "magnesium_mg"] = "-4"
        return "row 3, magnesium_mg: '-4' is negative"
    if kind == "unknown nutrient column":
        frame["zinc_mg"] = ""
        return "column 'zinc_mg' is not a nutrient code"
    if kind == "unknown food group":
        frame.loc[1, "food_group"] = "Sweets and treats"
        return "row 3, food_group: 'Sweets and treats' is not a known food group"
    if kind == "duplicate id":
        frame.loc[1, "id"] = frame.loc[0, "id"]
        return f"row 3, id: '{foods[0].pk}' is a duplicate of row 2"
    if kind == "unknown id":
        frame.loc[1, "id"] = "99999999"
        return "row 3, id: '99999999' is not a food in the database"
    if kind == "empty name":
        frame.loc[1, "name"] = ""
        return "row 3, name: is empty"
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind",
    [
        "not a number",
        "negative",
        "unknown nutrient column",
        "unknown food group",
        "duplicate id",
        "unknown id",
        "empty name",
    ],
)
def test_a_bad_sheet_changes_nothing_and_names_row_column_and_value(kind, foods, tmp_path):
    frame = exported(foods)
    message = _bad(kind, frame, foods)
    before = snapshot()
    with pytest.raises(CommandError) as error:
        run(write(frame, tmp_path))
    assert message in str(error.value)
    assert snapshot() == before


def test_every_problem_is_listed_not_just_the_first(foods, tmp_path):
    frame = exported(foods)
    frame.loc[0, "iron_mg"] = "abc"
    frame.loc[2, "name"] = ""
    with pytest.raises(CommandError) as error:
        run(write(frame, tmp_path))
    assert "row 2, iron_mg: 'abc' is not a number" in str(error.value)
    assert "row 4, name: is empty" in str(error.value)


@pytest.mark.parametrize("name,content", [("foods.txt", b"id,name\n"), ("foods.xlsx", b"id,name\n1,not really xlsx\n")])
def test_a_wrong_file_type_changes_nothing(name, content, foods, tmp_path):
    path = tmp_path / name
    path.write_bytes(content)
    before = snapshot()
    with pytest.raises(CommandError, match="wrong file type|not a readable XLSX"):
        run(path)
    assert snapshot() == before
