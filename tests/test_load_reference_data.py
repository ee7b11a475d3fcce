"""`make run` loads the curated data into an empty database once, and never overwrites later edits."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.db import connection, transaction

from nutrition.models import Allergen, Food, NutrientAmount
from nutrition.reference_data import fixture_paths, load_fixtures
from planner.meal_options import active_meal_records, clear_meal_cache
from planner.models import Meal

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


# The bulk load against Django's loaddata of the same files: same rows (natural keys for keys and relations), in
# the same order, the same many-to-many links, and the same history (none), on an empty database and over one
# that has drifted from the fixtures. A sample of the fixtures keeps loaddata's side quick: every small file, and
# the foods of a dozen meals with their amounts and portions.

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


@pytest.fixture
def sample_fixtures(tmp_path) -> list[Path]:
    meals = json.loads((FIXTURES / "meals.json").read_text(encoding="utf-8"))
    slugs = [o["fields"]["slug"] for o in meals if o["model"] == "planner.meal"][:12]
    meals = [o for o in meals if o["fields"].get("slug") in slugs or o["fields"].get("meal", [None])[0] in slugs]
    foods_used = {tuple(o["fields"]["food"]) for o in meals if o["model"] == "planner.mealingredient"}
    foods_used.add(("usda-sr26", "01001"))  # butter: allergens (dairy)
    every_food = json.loads((FIXTURES / "foods.json").read_text(encoding="utf-8"))
    for o in every_food:  # foods with several allergens: their links' order
        if len(o["fields"].get("allergens", [])) > 1:
            foods_used.add((o["fields"]["source"], o["fields"]["source_id"]))
    foods = [
        o
        for o in every_food
        if o["model"] == "nutrition.nutrient"
        or (o["model"] == "nutrition.food" and (o["fields"]["source"], o["fields"]["source_id"]) in foods_used)
        or tuple(o["fields"].get("food", ())) in foods_used
    ]
    assert len(foods) > 200 and any(o["fields"].get("allergens") for o in foods)
    paths = []
    for path in fixture_paths(FIXTURES):
        paths.append(tmp_path / path.name)
        picked = {"meals.json": meals, "foods.json": foods}.get(path.name)
        paths[-1].write_text(json.dumps(picked) if picked is not None else path.read_text(encoding="utf-8"))
    return paths


def reference_models(paths: list[Path]) -> list:
    labels = {o["model"] for path in paths for o in json.loads(path.read_text(encoding="utf-8"))}
    return [apps.get_model(label) for label in sorted(labels)]


def snapshot(paths: list[Path]) -> dict:
    """The reference tables by natural key, in primary-key order, with their links and every history table's size."""
    state = {}
    for model in reference_models(paths):
        rows = serializers.serialize(
            "python",
            model._base_manager.select_related().order_by("pk"),
            fields=[f.name for f in model._meta.concrete_fields],  # the links below, by natural key, in pk order
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        )
        state[model._meta.label_lower] = [row["fields"] for row in rows]
        for f in model._meta.many_to_many:
            through = f.remote_field.through._base_manager.order_by("pk")
            source, target = f.m2m_field_name(), f.m2m_reverse_field_name()
            links = through.select_related(source, target)
            state[f"{model._meta.label_lower}.{f.name}"] = [
                (getattr(link, source).natural_key(), getattr(link, target).natural_key()) for link in links
            ]
    for model in history_models():
        state[model._meta.label_lower] = model._base_manager.count()
    return state


def history_models():
    """Every django-simple-history table, the many-to-many ones (Food.allergens) included."""
    return [m for m in apps.get_models() if "historical" in m._meta.db_table]


def empty_reference_tables(paths: list[Path]) -> None:
    """Every reference row gone, by plain SQL (a Django delete would send a signal per row)."""
    with connection.cursor() as cursor:
        for model in reference_models(paths):
            for f in model._meta.many_to_many:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(f.remote_field.through._meta.db_table)}")
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def state_after(load, paths: list[Path], prepare) -> dict:
    """`load(paths)` after `prepare()`, rolled back afterwards."""

    class Undo(Exception):
        pass

    try:
        with transaction.atomic():
            prepare()
            load(paths)
            state = snapshot(paths)
            raise Undo
    except Undo:
        pass
    return state


def loaddata(paths):
    call_command("loaddata", *[str(p) for p in paths], verbosity=0)


def test_the_bulk_load_leaves_an_empty_database_as_loaddata_does(sample_fixtures):
    expected = state_after(loaddata, sample_fixtures, lambda: empty_reference_tables(sample_fixtures))
    assert len(expected["planner.meal"]) == 12 and expected["nutrition.food.allergens"]
    assert state_after(load_fixtures, sample_fixtures, lambda: empty_reference_tables(sample_fixtures)) == expected


def drift_from_the_fixtures():
    """A dietitian's edits: a value, a portion, allergens, a meal's name, and a food of their own."""
    lentils = Food.objects.get(source="usda-sr26", source_id="16070")
    NutrientAmount.objects.filter(food=lentils, nutrient__code="iron_mg").update(amount=9.99)
    lentils.portions.first().delete()
    butter = Food.objects.get(source="usda-sr26", source_id="01001")
    butter.allergens.set(Allergen.objects.exclude(code="dairy")[:2])
    Meal.objects.filter(pk=Meal.objects.order_by("pk").first().pk).update(name="Renamed", needs_review=True)
    granola = Food.objects.create(name="House granola", food_group=lentils.food_group, source="manual", source_id="g1")
    Food.objects.filter(pk=granola.pk).update(updated_at=datetime(2026, 11, 1, tzinfo=UTC))  # the same in both runs


def test_a_forced_bulk_reload_over_edited_data_leaves_what_loaddata_leaves(sample_fixtures):
    expected = state_after(loaddata, sample_fixtures, drift_from_the_fixtures)
    assert any(food["name"] == "House granola" for food in expected["nutrition.food"])
    assert state_after(load_fixtures, sample_fixtures, drift_from_the_fixtures) == expected


def test_the_session_database_holds_exactly_the_fixtures():
    """The whole set, as the session set-up loaded it in bulk, against the fixture files: every object once (the
    nutrients foods.json repeats are the same objects), in file order, no history."""
    paths = fixture_paths(FIXTURES)
    wanted: dict[str, dict[str, dict]] = {}  # model -> the object's JSON -> its fields, first seen first
    for path in paths:
        for o in json.loads(path.read_text(encoding="utf-8")):
            wanted.setdefault(o["model"], {}).setdefault(json.dumps(o["fields"], sort_keys=True), o["fields"])
    for model in reference_models(paths):
        links = [f.name for f in model._meta.many_to_many]
        rows = json.loads(
            serializers.serialize(
                "json",
                model._base_manager.select_related().prefetch_related(*links).order_by("pk"),
                use_natural_foreign_keys=True,
                use_natural_primary_keys=True,
            )
        )
        expected = list(wanted[model._meta.label_lower].values())
        assert len(rows) == len(expected), model._meta.label
        assert [{k: row["fields"][k] for k in fields} for row, fields in zip(rows, expected, strict=True)] == expected
    in_files = sum(len(json.loads(path.read_text(encoding="utf-8"))) for path in paths)
    assert sum(len(objects) for objects in wanted.values()) == in_files - 14  # 14 nutrients are in two files
    for model in history_models():
        assert not model._base_manager.exists(), f"{model._meta.label}: the load wrote history"


def test_a_reload_is_seen_by_the_meal_options_cache_at_once():
    """A bulk load sends no post_save; its one signal still drops the per-process meal records."""
    meal = Meal.objects.active().order_by("pk").first()
    clear_meal_cache()
    Meal.objects.filter(pk=meal.pk).update(name="Renamed")  # no signal, no history, same updated_at
    assert any(record.name == "Renamed" for record in active_meal_records())
    call_command("load_reference_data", force=True, verbosity=0)
    assert meal.name in {record.name for record in active_meal_records()} - {"Renamed"}
