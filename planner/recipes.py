"""A meal's recipe checked against its ingredient list.

A step *names* a food when it contains one of the food's names as whole words (any case, with an
optional plural "s"/"es"): its display name, the display name's head before the first comma
("Onion" for "Onion, raw") and that head's singular, and the short names declared for it in
`planner/curation/food_names.toml` ("soy milk" for "Soy milk, fortified (calcium, vitamins A and D)").
Longer names win: "soy milk" is one mention of soy milk, not also one of milk. A name that several
foods share ("spinach" for raw and for boiled spinach) names any of them.

A recipe is consistent when every ingredient is named in some step and no step names a food that is
not an ingredient (no "season with salt" when salt is not in the list). Water is not a food here.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FOOD_NAMES = Path(__file__).parent / "curation" / "food_names.toml"
MAX_STEP_LENGTH = 400


@cache
def declared_names(path: Path = FOOD_NAMES) -> dict[str, tuple[str, ...]]:
    """Short names per SR26 NDB number, as declared in the curation file."""
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    return {ndb: tuple(names) for ndb, names in data.items()}


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("oes"):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def names_of(display_name: str, aliases: Iterable[str] = ()) -> set[str]:
    """Every name a step may call a food by, lower-cased."""
    names = {display_name.strip().lower(), *(a.strip().lower() for a in aliases)}
    head = display_name.split(",")[0].strip().lower()
    if "(" not in head:
        names |= {head, _singular(head)}
    return {n for n in names if len(n) > 2}


@dataclass(frozen=True)
class FoodNames:
    """Which foods each name stands for, and one pattern finding the names in a text, longest first."""

    foods_by_name: dict[str, frozenset]
    pattern: re.Pattern

    @classmethod
    def build(cls, foods: Iterable[tuple[Hashable, str, Iterable[str]]]) -> FoodNames:
        """`foods` are (key, display name, declared short names)."""
        by_name: dict[str, set] = {}
        for key, display_name, aliases in foods:
            for name in names_of(display_name, aliases):
                by_name.setdefault(name, set()).add(key)
        alternatives = "|".join(re.escape(n) for n in sorted(by_name, key=lambda n: (-len(n), n)))
        pattern = re.compile(rf"(?<![\w-])(?:{alternatives})(?:e?s)?(?![\w-])", re.IGNORECASE)
        return cls({n: frozenset(k) for n, k in by_name.items()}, pattern)

    def mentions(self, text: str) -> list[tuple[str, frozenset]]:
        """(name as written, the foods it may stand for) for each food named in `text`."""
        found = []
        for match in self.pattern.finditer(text):
            written = match.group(0)
            key = written.lower()
            # "eggs" names every food called "egg" or "eggs": the plural and its singular are one name.
            forms = {key, key[:-1] if key.endswith("s") else key + "s", key[:-2] if key.endswith("es") else key + "es"}
            foods = frozenset().union(*(self.foods_by_name.get(form, ()) for form in forms))
            if foods:
                found.append((written, foods))
        return found


def recipe_problems(steps: list[str], ingredients: list[tuple[Hashable, str]], names: FoodNames) -> list[str]:
    """What is wrong with `steps` for a meal of `ingredients` ((key, display name)); empty when nothing is."""
    problems = []
    if not steps:
        return ["no steps"]
    keys = {key for key, _ in ingredients}
    named: set = set()
    for number, step in enumerate(steps, start=1):
        if not isinstance(step, str) or not step.strip():
            problems.append(f"step {number} is empty")
            continue
        if len(step) > MAX_STEP_LENGTH:
            problems.append(f"step {number} is longer than {MAX_STEP_LENGTH} characters; split it")
        for written, foods in names.mentions(step):
            if foods & keys:
                named |= foods & keys
            else:
                problems.append(f"step {number} names “{written}”, which is not an ingredient")
    for key, display_name in ingredients:
        if key not in named:
            problems.append(f"no step uses {display_name}")
    return problems
