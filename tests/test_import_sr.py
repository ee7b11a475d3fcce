"""manage.py import_sr DIR: the full USDA SR26 release (8,463 foods) into the test database."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from nutrition.models import Food, FoodGroup, ImportBatch, NutrientAmount, Portion


def abbrev_field(sr_bytes, ndb: str, index: int) -> str:
    """One raw ABBREV.txt field, read without the importer (11 iron, 12 Mg, 29 folate DFE, 31 B12, 41 vit D)."""
    for line in sr_bytes("ABBREV.txt").decode("latin-1").splitlines():
        fields = line.split("^")
        if fields[0].strip("~") == ndb:
            return fields[index].strip("~")
    raise AssertionError(ndb)


def counts():
    return (
        Food.objects.count(),
        NutrientAmount.objects.count(),
        Portion.objects.count(),
        Food.history.count(),
        NutrientAmount.history.count(),
        Portion.history.count(),
    )


@pytest.mark.django_db
def test_full_sr26_release_imports_every_food_keeps_curated_names_and_second_run_changes_nothing(sr_dir, sr_bytes):
    group, _ = FoodGroup.objects.get_or_create(name="Vegetables and Vegetable Products", defaults={"code": "1100"})
    curated, _ = Food.objects.update_or_create(
        source="usda-sr26", source_id="11056", defaults={"name": "Green beans, canned", "food_group": group}
    )

    out = StringIO()
    call_command("import_sr", str(sr_dir), stdout=out, verbosity=0)
    assert Food.objects.filter(source="usda-sr26").count() == 8463
    batch = ImportBatch.objects.filter(kind="import-sr").latest("pk")
    assert batch.created + batch.updated + batch.unchanged == 8463 and batch.finished_at is not None

    curated.refresh_from_db()
    assert curated.name == "Green beans, canned"  # a curated name is kept; values follow the release
    amounts = curated.amounts_by_code()
    assert amounts["iron_mg"] == float(abbrev_field(sr_bytes, "11056", 11))
    assert amounts["magnesium_mg"] == float(abbrev_field(sr_bytes, "11056", 12))
    assert curated.portions.count() == 3

    butter = Food.objects.get(source="usda-sr26", source_id="01001")
    assert butter.name == "Butter, salted"
    assert butter.food_group.name == "Dairy and Egg Products"
    assert [(p.description, p.grams) for p in butter.portions.all()][:2] == [
        ('pat (1" sq, 1/3" high)', 5.0),
        ("tbsp", 14.2),
    ]
    # A blank ABBREV field is no row at all; a filled one is the value as written.
    for code, index in (("vitamin_d_ug", 41), ("vitamin_b12_ug", 31), ("folate_ug_dfe", 29)):
        raw = abbrev_field(sr_bytes, "01001", index)
        assert butter.amounts_by_code().get(code) == (float(raw) if raw else None)

    before = counts()
    out = StringIO()
    call_command("import_sr", str(sr_dir), stdout=out, verbosity=0)
    assert "0 created, 0 updated, 8463 unchanged" in out.getvalue()
    assert counts() == before


@pytest.mark.django_db
def test_sr_release_missing_a_file_changes_nothing(tmp_path):
    (tmp_path / "FOOD_DES.txt").write_text("")
    before = counts()
    with pytest.raises(CommandError, match="ABBREV.txt is missing"):
        call_command("import_sr", str(tmp_path), verbosity=0)
    assert counts() == before
    assert not ImportBatch.objects.filter(kind="import-sr").exists()
