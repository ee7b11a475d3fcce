"""One mapping from FoodData Central to our foods: the same two real records read from the API and from a CSV
download (with its measure_unit.csv, as FDC ships it) give the same values and the same household measures."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from nutrition.models import Food

from .fdc_bundle_data import bundle_from_records, write_bundle
from .test_import_fdc import BEANS, EGG_WHITE, fdc  # noqa: F401 - the stand-in FDC server

pytestmark = pytest.mark.django_db
SAVED = Path(__file__).parent / "fdc" / "foods.json"


def faithful_bundle(directory: Path, records: list[dict]) -> Path:
    """The records as FDC's download has them: portions with their own modifier and a measure unit table."""
    bundle_from_records(directory, records)
    (directory / "food_portion.csv").unlink()
    portions = [
        (p["id"], f["fdcId"], p["sequenceNumber"], p.get("amount", "1"), p["measureUnit"]["id"],
         p.get("portionDescription", ""), p["modifier"], p["gramWeight"])
        for f in records for p in f["foodPortions"]
    ]  # fmt: skip
    write_bundle(directory, {"food_portion.csv": portions})
    units = {p["measureUnit"]["id"]: p["measureUnit"]["name"] for f in records for p in f["foodPortions"]}
    lines = ["id,name"] + [f"{unit_id},{name}" for unit_id, name in units.items()]
    (directory / "measure_unit.csv").write_text("\n".join(lines) + "\n")
    return directory


def state(fdc_id: int):
    food = Food.objects.get(source="usda-fdc", source_id=str(fdc_id))
    portions = [(p.seq, p.amount, p.description, p.grams) for p in food.portions.order_by("seq")]
    return food.name, food.food_group.name, food.amounts_by_code(), portions


def test_the_api_and_the_csv_download_give_the_same_foods(fdc, tmp_path):  # noqa: F811
    call_command("import_fdc", "--ids", f"{BEANS},{EGG_WHITE}", verbosity=0, stdout=io.StringIO())
    from_api = {fdc_id: state(fdc_id) for fdc_id in (BEANS, EGG_WHITE)}
    assert from_api[BEANS][3] == [(1, 1.0, "cup, drained", 129.0)]

    out = io.StringIO()
    bundle = faithful_bundle(tmp_path, json.loads(SAVED.read_text()))
    call_command("import_fdc", "--csv", str(bundle), verbosity=0, stdout=out)
    assert {fdc_id: state(fdc_id) for fdc_id in (BEANS, EGG_WHITE)} == from_api
    # Only the dataset's label differs ("Foundation" from the API, "foundation_food" in the download).
    changed = [line.strip() for line in out.getvalue().splitlines() if line.startswith("  FDC")]
    assert changed == [f"FDC {BEANS}: source_description", f"FDC {EGG_WHITE}: source_description"]
