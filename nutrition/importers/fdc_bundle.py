"""Import a FoodData Central CSV download (food.csv, nutrient.csv, food_nutrient.csv, food_portion.csv).

`food_nutrient.csv` runs to millions of rows, so it is read in chunks and only the rows for the
nutrients we track are kept: memory grows with foods x tracked nutrients, not with the file.
Everything is read and checked before anything is written; a bad bundle changes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from django.db import transaction
from tqdm import tqdm

from .fdc_mapping import FdcPortion, food_record, nutrient_codes_by_fdc_id, wanted_nutrient_ids
from .food_records import DatasetImport, ImportRefused, finish_batch, save_food_records, start_batch
from .plausibility import check_records

CHUNK_ROWS = 250_000
REQUIRED = {
    "food.csv": ["fdc_id", "data_type", "description", "food_category_id"],
    "nutrient.csv": ["id", "name", "unit_name"],
    "food_nutrient.csv": ["fdc_id", "nutrient_id", "amount"],
    "food_portion.csv": ["fdc_id", "seq_num", "amount", "portion_description", "modifier", "gram_weight"],
}


def _check_columns(directory: Path) -> list[str]:
    problems = []
    for name, columns in REQUIRED.items():
        path = directory / name
        if not path.is_file():
            problems.append(f"{name} is missing from {directory}")
            continue
        header = pd.read_csv(path, nrows=0).columns
        absent = [c for c in columns if c not in header]
        if absent:
            problems.append(f"{name}: column(s) {', '.join(absent)} missing")
    return problems


def _numbers(frame: pd.DataFrame, column: str, file: str, problems: list[str]) -> pd.Series:
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = frame[values.isna() & frame[column].notna()]
    for line, value in zip(bad.index[:20], bad[column][:20], strict=False):
        problems.append(f"{file}, line {line + 2}, {column}: {value!r} is not a number")
    negative = frame[values < 0]
    for line, value in zip(negative.index[:20], negative[column][:20], strict=False):
        problems.append(f"{file}, line {line + 2}, {column}: {value!r} is negative")
    return values


def read_bundle(directory: str | Path, data_types: list[str] | None = None, progress: bool = False):
    """The bundle's foods as FoodRecords (ImportRefused lists every problem found)."""
    directory = Path(directory)
    problems = _check_columns(directory)
    if problems:
        raise ImportRefused(problems)

    foods = pd.read_csv(directory / "food.csv", dtype=str, keep_default_na=False)
    if data_types:
        foods = foods[foods["data_type"].isin(data_types)]
    foods = foods.set_index("fdc_id", drop=False)
    categories = {}
    if (directory / "food_category.csv").is_file():
        frame = pd.read_csv(directory / "food_category.csv", dtype=str, keep_default_na=False)
        categories = dict(zip(frame["id"], frame["description"], strict=True))

    units = {}
    if (directory / "measure_unit.csv").is_file():
        frame = pd.read_csv(directory / "measure_unit.csv", dtype=str, keep_default_na=False)
        units = dict(zip(frame["id"], frame["name"], strict=True))

    codes_by_id = nutrient_codes_by_fdc_id()
    wanted_ids = wanted_nutrient_ids(codes_by_id)
    kept = []
    with tqdm(desc="food_nutrient.csv", unit=" rows", unit_scale=True, disable=not progress) as bar:
        reader = pd.read_csv(
            directory / "food_nutrient.csv",
            usecols=["fdc_id", "nutrient_id", "amount"],
            dtype={"fdc_id": str, "nutrient_id": "Int64", "amount": str},
            chunksize=CHUNK_ROWS,
        )
        for chunk in reader:
            bar.update(len(chunk))
            chunk = chunk[chunk["nutrient_id"].isin(wanted_ids) & chunk["fdc_id"].isin(foods.index)]
            if chunk.empty:
                continue
            chunk = chunk.assign(value=_numbers(chunk, "amount", "food_nutrient.csv", problems))
            kept.append(chunk[chunk["value"].notna()][["fdc_id", "nutrient_id", "value"]])
    portions = pd.read_csv(directory / "food_portion.csv", dtype=str, keep_default_na=False)
    portions = portions[portions["fdc_id"].isin(foods.index)]
    grams = _numbers(portions.replace("", None), "gram_weight", "food_portion.csv", problems)
    if problems:
        raise ImportRefused(problems)

    amounts_by_food: dict[str, dict[int, float]] = {}
    if kept:
        everything = pd.concat(kept)
        for fdc_id, nutrient_id, value in everything.itertuples(index=False):
            amounts_by_food.setdefault(fdc_id, {})[int(nutrient_id)] = float(value)
    portions_by_food = _portions(portions.assign(grams=grams), units)
    records = [
        food_record(
            fdc_id=food.fdc_id,
            description=food.description,
            data_type=food.data_type,
            category_id=food.food_category_id or None,
            category_name=categories.get(food.food_category_id, ""),
            amounts_by_id=amounts_by_food.get(food.fdc_id, {}),
            codes_by_id=codes_by_id,
            portions=portions_by_food.get(food.fdc_id, []),
        )
        for food in foods.itertuples(index=False)
    ]
    return records, codes_by_id


def _portions(frame: pd.DataFrame, units: dict[str, str]) -> dict[str, list[FdcPortion]]:
    result: dict[str, list[FdcPortion]] = {}
    for row in frame.itertuples(index=False):
        amount = pd.to_numeric(row.amount, errors="coerce")
        result.setdefault(row.fdc_id, []).append(
            FdcPortion(
                seq=int(row.seq_num) if row.seq_num.strip().isdigit() else None,
                amount=None if pd.isna(amount) else float(amount),
                description=row.portion_description,
                unit=units.get(getattr(row, "measure_unit_id", ""), ""),
                modifier=row.modifier,
                grams=None if pd.isna(row.grams) else float(row.grams),
            )
        )
    return result


def import_fdc_bundle(directory: str | Path, *, data_types=None, user=None, progress: bool = False) -> DatasetImport:
    records, codes_by_id = read_bundle(directory, data_types, progress)
    warnings = check_records(records)
    with tqdm(total=len(records), desc="Saving foods", unit="food", disable=not progress) as bar:
        with transaction.atomic():
            batch = start_batch("import-fdc-csv", Path(directory).resolve(), user)
            result = save_food_records(
                records, covered_codes=codes_by_id.values(), batch=batch, user=user, progress=bar
            )
            finish_batch(batch, result, notes="\n".join([f"{len(records)} foods in the bundle", *warnings]))
    return DatasetImport(result=result, batch=batch, warnings=warnings)
