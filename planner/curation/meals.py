"""The hand-kept meal list (`meals.csv`) and the fixture built from it (`fixtures/meals.json`).

Each row is one meal: `slug,slot,name,description,ingredients`, where `ingredients` lists
`NDB:grams` pairs separated by `;` (e.g. `16070:200; 20037:150`): the USDA SR26 NDB number of a
curated food and the grams of it in one adult serving. A meal's nutrients, diets and allergens
are never typed in here: they follow from its foods.

Each meal's recipe (servings, minutes, equipment, steps) comes from `recipes.toml`, keyed by slug,
and is checked against the meal's ingredients (`planner.recipes`).

`meal_fixture()` checks the whole list against the curated foods before anything is written, so a
bad row changes nothing and every problem is named (row, meal, NDB number) in one go.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

from django.utils.text import slugify

from nutrition.models import Food
from planner.curation.recipes import RECIPES, Recipe, curated_food_names, read_recipes
from planner.models import SLOTS, Meal
from planner.recipes import recipe_problems

MEAL_LIST = Path(__file__).with_name("meals.csv")
FOOD_SOURCE = "usda-sr26"
COLUMNS = ["slug", "slot", "name", "description", "ingredients"]
INGREDIENT = re.compile(r"^\s*(?P<ndb>\d{4,5})\s*:\s*(?P<grams>[0-9]+(?:\.[0-9]+)?)\s*$")

# Fixtures load with raw saves, which skip `auto_now`; a fixed stamp keeps the file reproducible byte
# for byte. Real edit times come from the admin and the history tables.
FIXTURE_UPDATED_AT = "2026-01-01T00:00:00Z"


class MealListError(ValueError):
    """The meal list has problems; `problems` names each one."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class MealRow:
    line: int
    slug: str
    slot: str
    name: str
    description: str
    ingredients: tuple[tuple[str, float], ...]  # (5-digit NDB number, grams)


def read_meal_list(path: Path = MEAL_LIST) -> tuple[list[MealRow], list[str]]:
    """Parse the CSV: (rows that parsed, problems found). Problems name the line and the meal."""
    rows: list[MealRow] = []
    problems: list[str] = []
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != COLUMNS:
            return [], [f"{path.name}: columns must be {','.join(COLUMNS)}, found {','.join(reader.fieldnames or [])}"]
        slugs: dict[str, int] = {}
        for line, raw in enumerate(reader, start=2):
            row, row_problems = _parse_row(line, raw)
            problems.extend(row_problems)
            slug = (raw["slug"] or "").strip()
            if slug in slugs:
                name = (raw["name"] or "").strip()
                problems.append(f"line {line} ({name}): slug {slug!r} is already used on line {slugs[slug]}")
            else:
                slugs[slug] = line
                if row:
                    rows.append(row)
    return rows, problems


def _parse_row(line: int, raw: dict[str, str]) -> tuple[MealRow | None, list[str]]:
    name = (raw["name"] or "").strip()
    where = f"line {line} ({name or 'no name'})"
    problems = []
    slug = (raw["slug"] or "").strip()
    slot = (raw["slot"] or "").strip()
    description = (raw["description"] or "").strip()
    if not name:
        problems.append(f"{where}: name is empty")
    if len(name) > Meal._meta.get_field("name").max_length:
        problems.append(f"{where}: name is longer than {Meal._meta.get_field('name').max_length} characters")
    if not slug or slug != slugify(slug):
        problems.append(f"{where}: slug {slug!r} must be lower-case letters, digits and hyphens")
    if slot not in SLOTS:
        problems.append(f"{where}: slot {slot!r} must be one of {', '.join(SLOTS)}")
    if len(description) > Meal._meta.get_field("description").max_length:
        problems.append(f"{where}: description is longer than {Meal._meta.get_field('description').max_length}")
    ingredients = []
    for part in (raw["ingredients"] or "").split(";"):
        if not part.strip():
            continue
        match = INGREDIENT.match(part)
        if not match:
            problems.append(f"{where}: ingredient {part.strip()!r} must be NDB:grams, e.g. 16070:150")
            continue
        grams = float(match["grams"])
        if grams <= 0:
            problems.append(f"{where}: NDB {match['ndb']} has {match['grams']} g; grams must be more than 0")
        ingredients.append((match["ndb"].zfill(5), grams))
    if not ingredients:
        problems.append(f"{where}: no ingredients")
    seen = set()
    for ndb, _ in ingredients:
        if ndb in seen:
            problems.append(f"{where}: NDB {ndb} is listed twice; give it once with the total grams")
        seen.add(ndb)
    if problems:
        return None, problems
    return MealRow(line, slug, slot, name, description, tuple(ingredients)), []


def check_against_foods(rows: list[MealRow]) -> list[str]:
    """Problems that need the curated foods: unknown NDB numbers, alcohol anywhere, caffeine after breakfast."""
    needed = {ndb for row in rows for ndb, _ in row.ingredients}
    foods = {f.source_id: f for f in Food.objects.filter(source=FOOD_SOURCE, source_id__in=needed)}
    problems = []
    for row in rows:
        where = f"line {row.line} ({row.name})"
        for ndb, _ in row.ingredients:
            food = foods.get(ndb)
            if food is None:
                problems.append(
                    f"{where}: NDB {ndb} is not a curated food; add it to nutrition/curation/sr26_foods_for_meals.csv "
                    "and rerun manage.py curate_sr26"
                )
            elif food.contains_alcohol:
                problems.append(f"{where}: NDB {ndb} ({food.name}) contains alcohol, which aggravates RLS")
            elif food.contains_caffeine and row.slot != "breakfast":
                problems.append(f"{where}: NDB {ndb} ({food.name}) contains caffeine; only breakfasts may")
    return problems


def check_recipes(rows: list[MealRow], recipes: dict[str, Recipe]) -> list[str]:
    """Problems with the recipes: a meal without one, one for no meal, steps that do not fit the ingredients."""
    unknown = sorted(set(recipes) - {r.slug for r in rows})
    problems = [f"recipes.toml [{slug}]: no meal has this slug" for slug in unknown]
    names = curated_food_names()
    foods = {
        f.source_id: f
        for f in Food.objects.filter(source=FOOD_SOURCE, source_id__in={n for r in rows for n, _ in r.ingredients})
    }
    for row in rows:
        where = f"line {row.line} ({row.name})"
        recipe = recipes.get(row.slug)
        if recipe is None:
            problems.append(f"{where}: no recipe in recipes.toml")
            continue
        ingredients = [(foods[ndb].pk, foods[ndb].name) for ndb, _ in row.ingredients if ndb in foods]
        problems += [f"{where}: recipe {p}" for p in recipe_problems(list(recipe.steps), ingredients, names)]
    return problems


def meal_fixture(path: Path = MEAL_LIST, recipes_path: Path = RECIPES) -> list[dict]:
    """The fixture objects (natural keys, no pks) for every meal in the list, or MealListError."""
    rows, problems = read_meal_list(path)
    recipes, recipe_list_problems = read_recipes(recipes_path)
    problems += recipe_list_problems
    problems += check_against_foods(rows)
    problems += check_recipes(rows, recipes)
    if problems:
        raise MealListError(problems)
    rows = sorted(rows, key=lambda r: r.slug)
    objects = [
        {
            "model": "planner.meal",
            "fields": {
                "name": row.name,
                "slug": row.slug,
                "slot": row.slot,
                "description": row.description,
                "is_active": True,
                "needs_review": False,
                **recipes[row.slug].fields(),
                "updated_at": FIXTURE_UPDATED_AT,
            },
        }
        for row in rows
    ]
    for row in rows:
        for order, (ndb, grams) in enumerate(row.ingredients):
            objects.append(
                {
                    "model": "planner.mealingredient",
                    "fields": {
                        "meal": [row.slug],
                        "food": [FOOD_SOURCE, ndb],
                        "grams": grams,
                        "order": order,
                    },
                }
            )
    return objects


def fixture_text(objects: list[dict]) -> str:
    return json.dumps(objects, indent=2, ensure_ascii=False) + "\n"
