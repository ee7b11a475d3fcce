"""Build fixtures/meals.json from the hand-kept meal list (planner/curation/meals.csv) and its recipes
(planner/curation/recipes.toml)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from planner.curation.meals import MEAL_LIST, MealListError, fixture_text, meal_fixture
from planner.curation.recipes import RECIPES


class Command(BaseCommand):
    help = "Check the curated meal list against the curated foods and write the meals fixture (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--source", type=Path, default=MEAL_LIST, help="The meal list CSV.")
        parser.add_argument("--recipes", type=Path, default=RECIPES, help="The recipes (TOML, keyed by meal slug).")
        parser.add_argument(
            "--output", type=Path, default=Path(settings.BASE_DIR) / "fixtures" / "meals.json", help="Fixture to write."
        )

    def handle(self, *args, source: Path, recipes: Path, output: Path, **options):
        try:
            objects = meal_fixture(source, recipes)
        except MealListError as error:
            raise CommandError(f"{source.name}: nothing written.\n" + "\n".join(error.problems)) from error
        output.write_text(fixture_text(objects), encoding="utf-8")
        meals = sum(1 for o in objects if o["model"] == "planner.meal")
        self.stdout.write(f"Wrote {meals} meals and {len(objects) - meals} ingredients to {output}")
