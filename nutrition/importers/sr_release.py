"""Import a full USDA SR release (ASCII edition) into the food database.

Reading is `sr26.py`'s job; this module turns its frames into `FoodRecord`s and saves them. A food
already in the database keeps its name (curated names are better than Long_Desc); its values and
portions follow the release. Running it twice changes nothing the second time.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from django.db import transaction
from tqdm import tqdm

from . import sr26
from .food_records import (
    DatasetImport,
    FoodRecord,
    ImportRefused,
    PortionRecord,
    finish_batch,
    save_food_records,
    start_batch,
)
from .plausibility import check_records

REQUIRED_FILES = ("FOOD_DES.txt", "FD_GROUP.txt", "ABBREV.txt", "WEIGHT.txt")


def read_release(sr_dir: str | Path) -> list[FoodRecord]:
    """Every food of the release as a FoodRecord; ImportRefused lists what is missing or unreadable."""
    sr_dir = Path(sr_dir)
    missing = [name for name in REQUIRED_FILES if not sr26.sr_file(sr_dir, name).is_file()]
    if missing:
        raise ImportRefused([f"{sr_dir}: {name} is missing" for name in missing])
    try:
        groups = sr26.read_food_groups(sr_dir).set_index("FdGrp_Cd")["FdGrp_Desc"].to_dict()
        foods = sr26.read_food_descriptions(sr_dir)
        abbrev = sr26.read_abbrev(sr_dir)
        weights = sr26.read_weights(sr_dir)
    except (ValueError, pd.errors.ParserError) as exc:
        raise ImportRefused([str(exc)]) from exc

    problems: list[str] = []
    portions: dict[str, list[PortionRecord]] = {}
    for row in weights.itertuples(index=False):
        try:
            portion = PortionRecord(int(row.Seq), float(row.Amount), str(row.Msre_Desc), float(row.Gm_Wgt))
        except (TypeError, ValueError):
            problems.append(f"WEIGHT.txt, food {row.NDB_No} seq {row.Seq}: amount or grams is not a number")
            continue
        portions.setdefault(row.NDB_No, []).append(portion)

    records = []
    for ndb, food in foods.iterrows():
        if food["FdGrp_Cd"] not in groups:
            problems.append(f"FOOD_DES.txt, food {ndb}: food group {food['FdGrp_Cd']!r} is not in FD_GROUP.txt")
            continue
        amounts = {}
        if ndb in abbrev.index:
            for code, text in sr26.nutrient_values(abbrev.loc[ndb]).items():
                try:
                    amounts[code] = float(text)
                except ValueError:
                    problems.append(f"ABBREV.txt, food {ndb}, {code}: {text!r} is not a number")
        records.append(
            FoodRecord(
                source=sr26.SOURCE,
                source_id=ndb,
                name=food["Long_Desc"],
                group_code=food["FdGrp_Cd"],
                group_name=groups[food["FdGrp_Cd"]],
                amounts=amounts,
                portions=portions.get(ndb, []),
                source_description=food["Long_Desc"],
            )
        )
    if problems:
        raise ImportRefused(problems)
    return records


def import_sr_release(sr_dir: str | Path, *, user=None, progress: bool = False) -> DatasetImport:
    records = read_release(sr_dir)
    warnings = check_records(records)
    with tqdm(total=len(records), desc="Saving foods", unit="food", disable=not progress) as bar:
        with transaction.atomic():
            batch = start_batch("import-sr", Path(sr_dir).resolve(), user)
            result = save_food_records(
                records, covered_codes=sr26.ABBREV_TO_NUTRIENT.values(), batch=batch, user=user, progress=bar
            )
            finish_batch(batch, result, notes="\n".join([f"{len(records)} foods in the release", *warnings]))
    return DatasetImport(result=result, batch=batch, warnings=warnings)
