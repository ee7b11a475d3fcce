"""manage.py import_fdc --csv DIR: an FDC CSV download written by fdc_bundle_data from the two real saved records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from nutrition.importers import fdc_bundle
from nutrition.models import Food, ImportBatch, NutrientAmount, Portion

from .fdc_bundle_data import bundle_from_records

SAVED = Path(__file__).parent / "fdc" / "foods.json"


@pytest.fixture
def bundle(tmp_path) -> Path:
    """The two records in the bulk CSV layout (food, nutrient, food_nutrient, food_portion, food_category)."""
    return bundle_from_records(tmp_path, json.loads(SAVED.read_text()))


def snapshot():
    return (
        Food.objects.count(),
        NutrientAmount.objects.count(),
        Portion.objects.count(),
        ImportBatch.objects.count(),
        sorted(NutrientAmount.objects.values_list("food__source_id", "nutrient__code", "amount")),
    )


@pytest.mark.django_db
def test_bundle_import_reads_food_nutrient_in_chunks_and_keeps_unknowns_unknown(bundle, monkeypatch):
    monkeypatch.setattr(fdc_bundle, "CHUNK_ROWS", 7)  # 52 rows: many chunks, same result
    call_command("import_fdc", "--csv", str(bundle), verbosity=0)
    beans = Food.objects.get(source="usda-fdc", source_id="321611")
    amounts = beans.amounts_by_code()
    assert amounts["iron_mg"] == 0.78 and amounts["magnesium_mg"] == 12.7 and amounts["energy_kcal"] == 21.0
    assert "folate_ug_dfe" not in amounts and "vitamin_c_mg" not in amounts
    assert beans.food_group.name == "Vegetables and Vegetable Products"
    assert [(p.description, p.grams) for p in beans.portions.all()] == [("drained", 129.0)]
    egg = Food.objects.get(source="usda-fdc", source_id="323697")
    assert egg.amounts_by_code()["vitamin_d_ug"] == 0.0
    assert egg.import_batch.kind == "import-fdc-csv"


@pytest.mark.django_db
def test_bundle_reimport_changes_nothing(bundle):
    call_command("import_fdc", "--csv", str(bundle), verbosity=0)
    before = snapshot()[:3]
    call_command("import_fdc", "--csv", str(bundle), verbosity=0)
    assert snapshot()[:3] == before
    assert ImportBatch.objects.filter(kind="import-fdc-csv").latest("pk").unchanged == 2


@pytest.mark.django_db
def test_bundle_with_a_non_numeric_amount_changes_nothing_and_names_the_line(bundle):
    path = bundle / "food_nutrient.csv"
    lines = path.read_text().splitlines()
    iron_line = next(i for i, line in enumerate(lines) if ',"1089",' in line)
    lines[iron_line] = lines[iron_line].replace('"0.78"', '"abc"')
    path.write_text("\n".join(lines) + "\n")
    before = snapshot()
    with pytest.raises(CommandError, match=rf"food_nutrient.csv, line {iron_line + 1}, amount: 'abc' is not a number"):
        call_command("import_fdc", "--csv", str(bundle), verbosity=0)
    assert snapshot() == before


@pytest.mark.django_db
def test_bundle_without_food_portion_csv_changes_nothing(bundle):
    (bundle / "food_portion.csv").unlink()
    before = snapshot()
    with pytest.raises(CommandError, match="food_portion.csv is missing"):
        call_command("import_fdc", "--csv", str(bundle), verbosity=0)
    assert snapshot() == before
