"""manage.py export_foods: every food, its values exactly as stored, unknown kept unknown, in CSV, XLSX and JSON."""

import io
import math

import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nutrition.exports import EXPORT_COLUMNS, foods_dataframe, nutrient_columns
from nutrition.models import Allergen, Food, FoodGroup, Nutrient, NutrientAmount

pytestmark = pytest.mark.django_db

TEXT_COLUMNS = ["name", "food_group", "source", "source_id", "diets", "allergens"]
CODES = [
    "energy_kcal",
    "protein_g",
    "fat_g",
    "carbohydrate_g",
    "fiber_g",
    "iron_mg",
    "folate_ug_dfe",
    "folic_acid_ug",
    "magnesium_mg",
    "vitamin_b12_ug",
    "vitamin_d_ug",
    "vitamin_c_mg",
    "calcium_mg",
    "sodium_mg",
    "caffeine_mg",
    "alcohol_g",
]


def make_food(name, source_id, diet="omnivore", allergens=(), amounts=None):
    group, _ = FoodGroup.objects.get_or_create(code="9900", defaults={"name": "Test foods"})
    food = Food.objects.create(name=name, food_group=group, source="test", source_id=source_id, diet=diet)
    food.allergens.set(Allergen.objects.filter(code__in=allergens))
    for code, amount in (amounts or {}).items():
        NutrientAmount.objects.create(food=food, nutrient=Nutrient.objects.get(code=code), amount=amount)
    return food


@pytest.fixture
def test_foods():
    """Foods with values as a dataset writes them, no allergens, several allergens, and nothing known at all."""
    return {
        "lentils": make_food(
            "Lentils (test)",
            "T1",
            diet="vegan",
            amounts={"iron_mg": 3.33, "folate_ug_dfe": 181.0, "protein_g": 9.02, "vitamin_c_mg": 1.5},
        ),
        "cake": make_food(
            'Cake, "iced"; with nuts, egg (test)',
            "T2",
            diet="vegetarian",
            allergens=("nuts", "egg", "gluten"),
            amounts={"energy_kcal": 410.0, "caffeine_mg": 0.0, "alcohol_g": 0.001},
        ),
        "mystery": make_food("Mystery food (test)", "T3"),
    }


@pytest.fixture
def awkward_food():
    """Floats whose shortest decimal needs all 17 significant digits."""
    return make_food("Awkward (test)", "T4", amounts={"iron_mg": 0.1 + 0.2, "protein_g": 1 / 3, "fat_g": 2.0**-52})


def read_export(path, fmt):
    """The exported table as pandas reads it: text as str ("" when empty), nutrients as floats (NaN unknown)."""
    if fmt == "csv":
        frame = pd.read_csv(
            path,
            dtype={c: str for c in TEXT_COLUMNS},
            keep_default_na=False,
            na_values={code: [""] for code in CODES},
        )
    elif fmt == "xlsx":
        frame = pd.read_excel(path, dtype={c: str for c in TEXT_COLUMNS}, engine="openpyxl")
    else:
        frame = pd.read_json(path, orient="records", dtype={c: str for c in TEXT_COLUMNS}, precise_float=True)
    frame[TEXT_COLUMNS] = frame[TEXT_COLUMNS].fillna("")
    return frame.astype({code: "float64" for code in CODES})


def database_amounts():
    """{food id: {code: amount}} straight from the table, not through the export code."""
    known: dict[int, dict[str, float]] = {}
    for food_id, code, amount in NutrientAmount.objects.values_list("food_id", "nutrient__code", "amount"):
        known.setdefault(food_id, {})[code] = amount
    return known


def export_to(tmp_path, fmt):
    path = tmp_path / f"foods.{fmt}"
    call_command("export_foods", format=fmt, output=str(path))
    return read_export(path, fmt)


def test_nutrient_columns_are_the_16_codes_in_display_order():
    assert nutrient_columns() == CODES


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_export_has_every_food_with_the_database_values_exactly(tmp_path, fmt, test_foods):
    frame = export_to(tmp_path, fmt)

    assert list(frame.columns) == [*EXPORT_COLUMNS, *CODES]
    assert sorted(frame["id"]) == sorted(Food.objects.values_list("id", flat=True))
    foods = {f.pk: f for f in Food.objects.select_related("food_group")}
    known = database_amounts()
    mismatches = []
    for row in frame.to_dict(orient="records"):
        food = foods[row["id"]]
        exported = (row["name"], row["food_group"], row["source"], row["source_id"])
        if exported != (food.name, food.food_group.name, food.source, food.source_id):
            mismatches.append((food.pk, exported))
        for code in CODES:
            stored, value = known.get(food.pk, {}).get(code), row[code]
            if (stored is None and not math.isnan(value)) or (stored is not None and value != stored):
                mismatches.append((food.pk, code, stored, value))
    assert not mismatches, mismatches[:10]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_unknown_stays_unknown_and_lists_are_semicolon_separated(tmp_path, fmt, test_foods):
    frame = export_to(tmp_path, fmt).set_index("source_id")

    lentils, cake, mystery = frame.loc["T1"], frame.loc["T2"], frame.loc["T3"]
    assert (lentils["iron_mg"], lentils["protein_g"], cake["alcohol_g"]) == (3.33, 9.02, 0.001)
    assert math.isnan(lentils["fat_g"]) and math.isnan(lentils["caffeine_mg"])
    assert cake["caffeine_mg"] == 0.0  # a known zero is not unknown
    assert mystery[CODES].isna().all()
    assert lentils["diets"] == "vegan;vegetarian;pescatarian;omnivore"
    assert cake["diets"] == "vegetarian;pescatarian;omnivore"
    assert mystery["diets"] == "omnivore"
    assert cake["allergens"] == "egg;gluten;nuts"
    assert lentils["allergens"] == ""
    assert cake["name"] == 'Cake, "iced"; with nuts, egg (test)'


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_csv_and_json_keep_every_bit_of_a_float(tmp_path, fmt, awkward_food):
    row = export_to(tmp_path, fmt).set_index("source_id").loc["T4"]
    assert row["iron_mg"] == 0.1 + 0.2 != 0.3
    assert (row["protein_g"], row["fat_g"]) == (1 / 3, 2.0**-52)


def test_xlsx_keeps_16_significant_digits_like_excel(tmp_path, awkward_food):
    # openpyxl writes numbers with 16 significant digits, which is exact for every value a dataset publishes
    # (SR26 and FDC give at most a few decimals; see the exactness test above) but not for 0.1 + 0.2.
    row = export_to(tmp_path, "xlsx").set_index("source_id").loc["T4"]
    assert row["iron_mg"] == float("%.16g" % (0.1 + 0.2))
    assert row["protein_g"] == pytest.approx(1 / 3, rel=1e-15)
    assert row["fat_g"] == pytest.approx(2.0**-52, rel=1e-15)


def test_unknown_is_an_empty_cell_in_csv_and_null_in_json(tmp_path, test_foods):
    call_command("export_foods", format="csv", output=str(tmp_path / "f.csv"))
    call_command("export_foods", format="json", output=str(tmp_path / "f.json"))

    header, *lines = (tmp_path / "f.csv").read_text(encoding="utf-8").splitlines()
    mystery_line = next(line for line in lines if ",test,T3," in line)
    assert mystery_line.endswith(",test,T3,omnivore," + "," * len(CODES))
    records = pd.read_json(tmp_path / "f.json", orient="records", precise_float=True, dtype=False)
    assert '"caffeine_mg": null' in (tmp_path / "f.json").read_text(encoding="utf-8")
    assert records.set_index("source_id").loc["T3", CODES].isna().all()


def test_curated_sr26_foods_export_caffeine_and_alcohol_as_unknown(tmp_path):
    frame = export_to(tmp_path, "csv")
    sr26 = frame[frame["source"] == "usda-sr26"].set_index("source_id")

    assert len(sr26) == Food.objects.filter(source="usda-sr26").count() > 100
    assert sr26["caffeine_mg"].isna().all() and sr26["alcohol_g"].isna().all()
    butter = sr26.loc["01001"]
    assert butter["name"] == "Butter, salted"
    assert (
        butter["calcium_mg"]
        == NutrientAmount.objects.get(
            food__source_id="01001", food__source="usda-sr26", nutrient__code="calcium_mg"
        ).amount
    )
    assert butter["allergens"] == "dairy"


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_stdout_is_the_default_output(fmt, test_foods, tmp_path):
    out = io.StringIO()
    call_command("export_foods", format=fmt, stdout=out)
    path = tmp_path / f"stdout.{fmt}"
    path.write_text(out.getvalue(), encoding="utf-8")

    frame = read_export(path, fmt)
    assert len(frame) == Food.objects.count()
    assert frame.set_index("source_id").loc["T1", "iron_mg"] == 3.33


def test_xlsx_to_stdout_writes_bytes_to_its_buffer(test_foods, tmp_path):
    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, encoding="utf-8")
    call_command("export_foods", format="xlsx", stdout=stdout)
    path = tmp_path / "stdout.xlsx"
    path.write_bytes(raw.getvalue())

    assert raw.getvalue()[:2] == b"PK"
    assert read_export(path, "xlsx").set_index("source_id").loc["T1", "protein_g"] == 9.02


def test_xlsx_without_a_binary_stdout_asks_for_an_output_file(test_foods):
    with pytest.raises(CommandError, match="pass --output FILE"):
        call_command("export_foods", format="xlsx", stdout=io.StringIO())


def test_unknown_format_is_refused(test_foods):
    with pytest.raises(CommandError, match="invalid choice: 'pdf'"):
        call_command("export_foods", "--format", "pdf")


def test_building_the_table_takes_the_same_number_of_queries_however_many_foods():
    make_food("One (test)", "Q1", allergens=("soy",), amounts={"iron_mg": 1.0})
    with CaptureQueriesContext(connection) as few:
        foods_dataframe()
    for n in range(2, 12):
        make_food(f"More {n} (test)", f"Q{n}", allergens=("soy", "egg"), amounts={"iron_mg": n, "fat_g": 2.5})
    with CaptureQueriesContext(connection) as many:
        frame = foods_dataframe()
    assert len(frame) == Food.objects.count()
    assert len(many.captured_queries) == len(few.captured_queries) <= 5
