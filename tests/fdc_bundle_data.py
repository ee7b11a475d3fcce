"""FoodData Central CSV downloads ("bundles") written for tests and benchmarks, in FDC's own layout.

A bundle is the set of files `manage.py import_fdc --csv DIR` reads, with FDC's column names and
every value quoted as FDC quotes it. Two makers share one writer:

- `bundle_from_records`: the bundle holding FDC API records (tests/fdc/foods.json, two real foods),
  used by tests/test_import_fdc_bundle.py;
- `synthetic_bundle`: a bundle of any size over real FDC nutrient ids with random amounts, used by
  bench/import_bench.py. Its numbers are made up: it lives in a temporary directory, never in fixtures.

No Django here: the bench calls it before any database exists.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterable, Iterator
from pathlib import Path

COLUMNS = {
    "food_category.csv": ["id", "code", "description"],
    "food.csv": ["fdc_id", "data_type", "description", "food_category_id", "publication_date"],
    "nutrient.csv": ["id", "name", "unit_name", "nutrient_nbr", "rank"],
    "food_nutrient.csv": [
        "id", "fdc_id", "nutrient_id", "amount", "data_points", "derivation_id", "min", "max", "median", "footnote",
        "min_year_acquired",
    ],
    "food_portion.csv": [
        "id", "fdc_id", "seq_num", "amount", "measure_unit_id", "portion_description", "modifier", "gram_weight",
        "data_points", "footnote", "min_year_acquired",
    ],
}  # fmt: skip


def write_bundle(directory: Path, rows: dict[str, Iterable[tuple]]) -> Path:
    """Write each named file of `COLUMNS` with its header; a row gives the first columns, the rest are empty.

    Rows may be a generator, so a food_nutrient.csv of millions of rows is never held in memory.
    """
    directory = Path(directory)
    for name, file_rows in rows.items():
        header = COLUMNS[name]
        with (directory / name).open("w", newline="") as handle:
            writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
            writer.writerow(header)
            for row in file_rows:
                writer.writerow([*row, *[""] * (len(header) - len(row))])
    return directory


# FDC's id and code of each category the saved records are in (the API gives only the description).
RECORD_CATEGORIES = {"Vegetables and Vegetable Products": ("11", "1100"), "Dairy and Egg Products": ("1", "0100")}


def bundle_from_records(directory: Path, records: list[dict]) -> Path:
    """The bundle holding these FDC API records (foods with foodNutrients, foodPortions and foodCategory)."""
    categories = RECORD_CATEGORIES
    nutrients = {n["nutrient"]["id"]: n["nutrient"] for f in records for n in f["foodNutrients"]}
    amounts = [(f["fdcId"], n["nutrient"]["id"], n["amount"]) for f in records for n in f["foodNutrients"]]
    return write_bundle(
        directory,
        {
            "food_category.csv": [(id_, code, name) for name, (id_, code) in categories.items()],
            "food.csv": [
                (
                    f["fdcId"],
                    "foundation_food",
                    f["description"],
                    categories[f["foodCategory"]["description"]][0],
                    "2019-04-01",
                )
                for f in records
            ],
            "nutrient.csv": [(n["id"], n["name"], n["unitName"], n["number"], n["rank"]) for n in nutrients.values()],
            "food_nutrient.csv": [(row_id, *amount) for row_id, amount in enumerate(amounts, start=1)],
            "food_portion.csv": [
                (
                    p["id"],
                    f["fdcId"],
                    p["sequenceNumber"],
                    "1",
                    p["measureUnit"]["id"],
                    "",
                    p["modifier"] or p["measureUnit"]["name"],
                    p["gramWeight"],
                )
                for f in records
                for p in f["foodPortions"]
            ],
        },
    )


FIRST_SYNTHETIC_ID = 9_000_000
SYNTHETIC_CATEGORIES = [
    (11, "Vegetables and Vegetable Products"),
    (1, "Dairy and Egg Products"),
    (16, "Legume Products"),
]


def synthetic_bundle(directory: Path, rows: int, nutrient_ids: Iterable[int], seed: int = 26) -> Path:
    """A bundle whose food_nutrient.csv has `rows` rows: every nutrient of `nutrient_ids` for as many foods
    as that takes (fdc_id from 9,000,000), random amounts from `seed`, one portion per food. The amounts stay
    within what the importers accept (0 to 20 per 100 g: protein + fat + carbohydrate can never pass 100 g)."""
    ids = sorted(set(nutrient_ids))
    foods = -(-rows // len(ids))

    def food_nutrients() -> Iterator[tuple]:
        rng = random.Random(seed)
        for written in range(rows):
            food, nutrient = divmod(written, len(ids))
            yield written + 1, FIRST_SYNTHETIC_ID + food, ids[nutrient], round(rng.uniform(0, 20), 3)

    return write_bundle(
        directory,
        {
            "food_category.csv": [(i, f"{i:02d}00", name) for i, name in SYNTHETIC_CATEGORIES],
            "nutrient.csv": [(i, f"nutrient {i}", "G") for i in ids],
            "food.csv": (
                (
                    FIRST_SYNTHETIC_ID + n,
                    "foundation_food",
                    f"Benchmark food {n}",
                    SYNTHETIC_CATEGORIES[n % len(SYNTHETIC_CATEGORIES)][0],
                    "2024-04-01",
                )
                for n in range(foods)
            ),
            "food_portion.csv": ((n, FIRST_SYNTHETIC_ID + n, 1, 1, 1000, "", "cup", 150) for n in range(foods)),
            "food_nutrient.csv": food_nutrients(),
        },
    )
