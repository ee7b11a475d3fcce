"""The hand-kept lists of SR26 foods we ship (`sr26_foods.csv`, and `sr26_foods_for_meals.csv` when present).

Each row names an SR26 food by its NDB number and says how a person would write its name, the strictest diet it
suits and what it contains that some people avoid. Reading is strict: any bad row stops the run with a message
naming the file and row, so a fixture is never built from a half-valid list.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from nutrition.models import ALLERGENS, DIETS

CURATION_DIR = Path(__file__).resolve().parent
DEFAULT_LISTS = (CURATION_DIR / "sr26_foods.csv", CURATION_DIR / "sr26_foods_for_meals.csv")
COLUMNS = ["ndb_no", "name", "diet", "allergens", "aggravators"]
AGGRAVATORS = ("caffeine", "alcohol")


class CurationError(Exception):
    """One or more bad rows; `problems` holds one message per row, each naming the file and row."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class CuratedFood:
    ndb_no: str
    name: str
    diet: str
    allergens: tuple[str, ...]
    aggravators: tuple[str, ...]
    origin: str  # "file, row N", for messages

    @property
    def tags(self) -> tuple:
        return (self.name, self.diet, self.allergens, self.aggravators)


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(sorted({part.strip() for part in (cell or "").split(";") if part.strip()}))


def _row_problems(row: dict, known_ndb: set[str]) -> list[str]:
    problems = []
    ndb = (row.get("ndb_no") or "").strip()
    if ndb not in known_ndb:
        problems.append(f"unknown NDB number {ndb!r} (not in SR26 FOOD_DES.txt)")
    name = (row.get("name") or "").strip()
    if not name:
        problems.append("name is empty")
    elif name.isupper():
        problems.append(f"name {name!r} is in capitals; write it as a person would")
    if (row.get("diet") or "").strip() not in DIETS:
        problems.append(f"unknown diet {row.get('diet')!r} (expected one of {', '.join(DIETS)})")
    for allergen in _split(row.get("allergens")):
        if allergen not in ALLERGENS:
            problems.append(f"unknown allergen {allergen!r} (expected some of {', '.join(ALLERGENS)})")
    for aggravator in _split(row.get("aggravators")):
        if aggravator not in AGGRAVATORS:
            problems.append(f"unknown aggravator {aggravator!r} (expected some of {', '.join(AGGRAVATORS)})")
    return problems


def read_curated_lists(paths: Iterable[str | Path], known_ndb: set[str]) -> list[CuratedFood]:
    """Every curated food from `paths`, sorted by NDB number.

    A food listed in two places with the same name and tags counts once; with a different name or tags it is an
    error, as is one name used for two foods. Raises CurationError listing every bad row.
    """
    problems: list[str] = []
    by_ndb: dict[str, CuratedFood] = {}
    by_name: dict[str, CuratedFood] = {}
    for path in map(Path, paths):
        if not path.is_file():
            problems.append(f"{path}: no such list file")
            continue
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames != COLUMNS:
                problems.append(f"{path}, row 1: columns must be {','.join(COLUMNS)}, found {reader.fieldnames}")
                continue
            for number, row in enumerate(reader, start=2):
                origin = f"{path}, row {number}"
                row_problems = _row_problems(row, known_ndb)
                if row_problems:
                    problems.extend(f"{origin}: {problem}" for problem in row_problems)
                    continue
                food = CuratedFood(
                    ndb_no=row["ndb_no"].strip(),
                    name=row["name"].strip(),
                    diet=row["diet"].strip(),
                    allergens=_split(row["allergens"]),
                    aggravators=_split(row["aggravators"]),
                    origin=origin,
                )
                earlier = by_ndb.get(food.ndb_no)
                if earlier is not None:
                    if earlier.tags != food.tags:
                        problems.append(
                            f"{origin}: NDB {food.ndb_no} is already listed at {earlier.origin} with a different "
                            f"name, diet, allergens or aggravators"
                        )
                    continue
                same_name = by_name.get(food.name.casefold())
                if same_name is not None:
                    problems.append(f"{origin}: duplicate name {food.name!r} (already used at {same_name.origin})")
                    continue
                by_ndb[food.ndb_no] = food
                by_name[food.name.casefold()] = food
    if problems:
        raise CurationError(problems)
    return [by_ndb[ndb] for ndb in sorted(by_ndb)]
