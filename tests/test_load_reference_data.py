"""`make run` loads the curated data into an empty database once, and never overwrites later edits."""

import pytest
from django.core.management import call_command

from nutrition.models import Food, NutrientAmount

pytestmark = pytest.mark.django_db


def test_a_database_with_foods_is_left_alone(capsys):
    lentils = Food.objects.get(source="usda-sr26", source_id="16070")
    iron = NutrientAmount.objects.get(food=lentils, nutrient__code="iron_mg")
    iron.amount = 9.99  # a dietitian's edit
    iron.save()
    call_command("load_reference_data")
    assert "already loaded" in capsys.readouterr().out
    iron.refresh_from_db()
    assert iron.amount == 9.99


def test_force_reloads_the_committed_values():
    lentils = Food.objects.get(source="usda-sr26", source_id="16070")
    iron = NutrientAmount.objects.get(food=lentils, nutrient__code="iron_mg")
    iron.amount = 9.99
    iron.save()
    count = Food.objects.count()
    call_command("load_reference_data", force=True, verbosity=0)
    iron.refresh_from_db()
    assert iron.amount == 3.33  # SR26 ABBREV.txt, NDB 16070, Iron_(mg)
    assert Food.objects.count() == count
