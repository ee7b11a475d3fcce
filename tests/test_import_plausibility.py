"""Impossible values are refused, naming food or row and nutrient, by every import alike (spreadsheet, SR release,
FDC API, FDC bundle); values far beyond SR26's highest are imported with a warning (in the workspace's preview)."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from nutrition.curation.sr26_highest import HIGHEST_CSV, highest_csv_text, highest_rows
from nutrition.exports import export_foods
from nutrition.models import Food, ImportBatch, NutrientAmount

from .fdc_bundle_data import bundle_from_records
from .test_import_fdc import BEANS, fdc  # noqa: F401 - the stand-in FDC server

pytestmark = pytest.mark.django_db
SAVED = Path(__file__).parent / "fdc" / "foods.json"
CURATED_NDB = "11052"  # green beans, raw


def snapshot():
    return (
        Food.objects.count(),
        ImportBatch.objects.count(),
        sorted(NutrientAmount.objects.values_list("food_id", "nutrient__code", "amount")),
    )


def food_sheet(tmp_path, **cells) -> Path:
    food = Food.objects.filter(amounts__nutrient__code="iron_mg").order_by("pk").first()
    frame = pd.read_csv(io.StringIO(export_foods("csv", Food.objects.filter(pk=food.pk))), dtype=str)
    frame = frame.fillna("")
    for column, value in cells.items():
        frame.loc[0, column] = value
    path = tmp_path / "foods.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    "cells, message",
    [
        ({"vitamin_c_mg": "1000000000"}, "row 2, vitamin_c_mg: '1000000000' per 100 g weighs 1e+06 g, more than"),
        ({"protein_g": "150"}, "row 2, protein_g: '150' per 100 g weighs 150 g, more than the 100 g"),
        ({"iron_mg": "-0.5"}, "row 2, iron_mg: '-0.5' is negative"),
        (
            {"protein_g": "40", "fat_g": "40", "carbohydrate_g": "30", "fiber_g": "10"},
            "row 2, protein_g, fat_g, carbohydrate_g, fiber_g: protein_g 40 + fat_g 40 + carbohydrate_g 30",
        ),
    ],
)
def test_spreadsheet_with_an_impossible_value_changes_nothing_and_names_row_and_column(tmp_path, cells, message):
    path = food_sheet(tmp_path, **cells)
    before = snapshot()
    with pytest.raises(CommandError) as error:
        call_command("import_foods", str(path), stdout=io.StringIO())
    assert message in str(error.value)
    assert snapshot() == before


def test_fibre_within_carbohydrate_as_usda_counts_it_is_not_refused(tmp_path):
    # Peanuts in SR26: protein 25.8 + fat 49.2 + carbohydrate 16.1 (fibre 8.5 of it) = 91.1 g.
    path = food_sheet(tmp_path, protein_g="25.8", fat_g="49.2", carbohydrate_g="16.1", fiber_g="8.5")
    call_command("import_foods", str(path), stdout=io.StringIO())


def test_preview_warns_about_a_value_ten_times_sr26s_highest_and_still_imports(signed_in, tmp_path):
    path = food_sheet(tmp_path, iron_mg="2000")  # SR26's highest iron is 123.6 mg per 100 g
    with path.open("rb") as handle:
        response = signed_in.post(reverse("workspace:import_foods"), {"file": handle})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Check before importing" in html
    assert "row 2, iron_mg: &#x27;2000&#x27; per 100 g is more than 10 times the highest in SR26 (123.6 mg)" in html
    form = response.context
    confirm = signed_in.post(
        reverse("workspace:import_foods_confirm"), {"token": form["token"], "fingerprint": form["fingerprint"]}
    )
    assert confirm.status_code == 302


def test_command_prints_the_warning_too(tmp_path):
    err = io.StringIO()
    call_command("import_foods", str(food_sheet(tmp_path, iron_mg="2000")), stdout=io.StringIO(), stderr=err)
    assert "iron_mg" in err.getvalue() and "10 times the highest in SR26" in err.getvalue()


def mini_release(sr_bytes, tmp_path: Path, ndb: str, column: int, value: str) -> Path:
    """An SR release of one food (copied from SR26, read with the `sr_bytes` fixture) whose ABBREV field number
    `column` is `value`."""
    for name in ("FD_GROUP.txt",):
        (tmp_path / name).write_bytes(sr_bytes(name))
    for name in ("FOOD_DES.txt", "WEIGHT.txt", "ABBREV.txt"):
        lines = sr_bytes(name).decode("latin-1").split("\r\n")
        kept = [line for line in lines if line.startswith(f"~{ndb}~")]
        if name == "ABBREV.txt":
            fields = kept[0].split("^")
            fields[column] = value
            kept = ["^".join(fields)]
        assert kept or name == "WEIGHT.txt", f"{ndb} is not in {name}"
        (tmp_path / name).write_bytes(("\r\n".join(kept) + "\r\n").encode("latin-1"))
    return tmp_path


def test_sr_release_with_an_impossible_value_changes_nothing(sr_bytes, tmp_path):
    release = mini_release(sr_bytes, tmp_path, CURATED_NDB, 11, "1000000000")  # field 11: iron, mg
    before = snapshot()
    with pytest.raises(CommandError) as error:
        call_command("import_sr", str(release), verbosity=0)
    assert f"food usda-sr26 {CURATED_NDB} " in str(error.value)
    assert "iron_mg: 1e+09 mg per 100 g weighs 1e+06 g, more than the 100 g of food it is in" in str(error.value)
    assert snapshot() == before


def test_sr_release_with_a_value_far_beyond_sr26_imports_and_warns(sr_bytes, tmp_path):
    release = mini_release(sr_bytes, tmp_path, CURATED_NDB, 11, "2000")
    err = io.StringIO()
    call_command("import_sr", str(release), verbosity=0, stdout=io.StringIO(), stderr=err)
    assert f"food usda-sr26 {CURATED_NDB} " in err.getvalue() and "iron_mg" in err.getvalue()
    assert "10 times the highest in SR26" in ImportBatch.objects.filter(kind="import-sr").latest("pk").notes


def records_with(nutrient_id: int, amount: float) -> list[dict]:
    records = json.loads(SAVED.read_text())
    bad = copy.deepcopy(records)
    beans = next(r for r in bad if r["fdcId"] == BEANS)
    item = next(n for n in beans["foodNutrients"] if n["nutrient"]["id"] == nutrient_id)
    item["amount"] = amount
    return bad


def test_fdc_bundle_with_an_impossible_value_changes_nothing(tmp_path):
    bundle = bundle_from_records(tmp_path, records_with(1089, 1e9))  # 1089: iron, mg
    before = snapshot()
    with pytest.raises(CommandError) as error:
        call_command("import_fdc", "--csv", str(bundle), verbosity=0)
    assert f"food usda-fdc {BEANS} " in str(error.value) and "iron_mg: 1e+09 mg per 100 g" in str(error.value)
    assert snapshot() == before


def test_fdc_api_with_an_impossible_value_changes_nothing(fdc):  # noqa: F811
    fdc.foods = {r["fdcId"]: r for r in records_with(1003, 180.0)}  # 1003: protein, g
    before = snapshot()
    with pytest.raises(CommandError) as error:
        call_command("import_fdc", "--ids", str(BEANS), verbosity=0)
    assert f"food usda-fdc {BEANS} " in str(error.value) and "protein_g: 180 g per 100 g weighs 180 g" in str(
        error.value
    )
    assert snapshot() == before


def test_fdc_api_value_far_beyond_sr26_is_imported_with_a_warning(fdc):  # noqa: F811
    fdc.foods = {r["fdcId"]: r for r in records_with(1089, 5000.0)}
    err = io.StringIO()
    call_command("import_fdc", "--ids", str(BEANS), verbosity=0, stdout=io.StringIO(), stderr=err)
    assert "iron_mg: 5000 mg per 100 g is more than 10 times the highest in SR26" in err.getvalue()
    assert Food.objects.get(source="usda-fdc", source_id=str(BEANS)).amounts_by_code()["iron_mg"] == 5000.0


def test_the_committed_sr26_highest_table_is_what_sr26_says(sr_dir):
    assert HIGHEST_CSV.read_text(encoding="utf-8") == highest_csv_text(highest_rows(sr_dir))
