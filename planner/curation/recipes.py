"""The hand-kept recipes (`recipes.toml`), one table per meal keyed by the meal's slug:

    [oatmeal-with-pumpkin-seeds-and-strawberries]
    servings = 1
    prep_minutes = 5
    cook_minutes = 6
    equipment = ["saucepan"]
    steps = [
      "Bring the soy milk to a simmer in a saucepan.",
      ...
    ]

`build_meals` folds them into `fixtures/meals.json`. Ingredient amounts are not repeated in the steps:
the plan scales a meal's grams, so the steps say what to do and the ingredient list says how much.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from nutrition.models import Food
from planner.recipes import FoodNames, declared_names

RECIPES = Path(__file__).with_name("recipes.toml")
KEYS = {"servings", "prep_minutes", "cook_minutes", "equipment", "steps"}
MAX_MINUTES = 600


@dataclass(frozen=True)
class Recipe:
    servings: int
    prep_minutes: int
    cook_minutes: int
    equipment: tuple[str, ...]
    steps: tuple[str, ...]

    def fields(self) -> dict:
        return {
            "servings": self.servings,
            "prep_minutes": self.prep_minutes,
            "cook_minutes": self.cook_minutes,
            "equipment": list(self.equipment),
            "steps": list(self.steps),
        }


def read_recipes(path: Path = RECIPES) -> tuple[dict[str, Recipe], list[str]]:
    """(recipes by meal slug, problems naming the meal and the field)."""
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        return {}, [f"{path.name}: {error}"]
    recipes, problems = {}, []
    for slug, table in data.items():
        where = f"{path.name} [{slug}]"
        if not isinstance(table, dict):
            problems.append(f"{where}: must be a table")
            continue
        unknown, missing = set(table) - KEYS, KEYS - set(table) - {"equipment"}
        if unknown:
            problems.append(f"{where}: unknown keys {', '.join(sorted(unknown))}")
        if missing:
            problems.append(f"{where}: missing {', '.join(sorted(missing))}")
            continue
        servings, prep, cook = table["servings"], table["prep_minutes"], table["cook_minutes"]
        equipment, steps = table.get("equipment", []), table["steps"]
        if not isinstance(servings, int) or not 1 <= servings <= 12:
            problems.append(f"{where}: servings must be a whole number from 1 to 12")
        for name, value in (("prep_minutes", prep), ("cook_minutes", cook)):
            if not isinstance(value, int) or not 0 <= value <= MAX_MINUTES:
                problems.append(f"{where}: {name} must be a whole number of minutes from 0 to {MAX_MINUTES}")
        if not isinstance(equipment, list) or not all(isinstance(e, str) and e.strip() for e in equipment):
            problems.append(f"{where}: equipment must be a list of names")
        if not isinstance(steps, list) or not steps or not all(isinstance(s, str) and s.strip() for s in steps):
            problems.append(f"{where}: steps must be a list of sentences")
            continue
        recipes[slug] = Recipe(servings, prep, cook, tuple(equipment), tuple(s.strip() for s in steps))
    return recipes, problems


def curated_food_names() -> FoodNames:
    """The names of every food in the database, with the short names declared for SR26 foods."""
    declared = declared_names()
    return FoodNames.build(
        (pk, name, declared.get(source_id, ()) if source == "usda-sr26" else ())
        for pk, name, source, source_id in Food.objects.values_list("pk", "name", "source", "source_id")
    )
