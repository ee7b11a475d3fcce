"""The highest value per 100 g that USDA SR26 reports for each nutrient we track, with the food that has it.

The importers warn about a value far beyond it (`nutrition/importers/plausibility.py`). The table is kept in
`sr26_highest.csv` so that it needs no SR26 files at run time; `manage.py build_sr26_highest` rewrites it from
the release, and the tests check the committed file against SR26.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from nutrition.importers import sr26

HIGHEST_CSV = Path(__file__).with_name("sr26_highest.csv")
COLUMNS = ("code", "highest_per_100g", "ndb_no")


def highest_rows(sr_dir: str | Path) -> list[tuple[str, str, str]]:
    """(code, highest value as SR26 writes it, NDB number of the first food with it), in ABBREV's column order."""
    abbrev = sr26.read_abbrev(sr_dir)
    rows = []
    for column, code in sr26.ABBREV_TO_NUTRIENT.items():
        values = pd.to_numeric(abbrev[column], errors="raise")
        ndb = values.idxmax()
        rows.append((code, abbrev.loc[ndb, column].strip(), ndb))
    return rows


def highest_csv_text(rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue()


def read_highest(path: Path = HIGHEST_CSV) -> dict[str, float]:
    """Nutrient code -> SR26's highest value per 100 g (nutrients SR26 does not report are absent)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: float(row["highest_per_100g"]) for row in csv.DictReader(handle)}
