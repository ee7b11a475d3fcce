"""A plan as a table (one row per food in each meal) and as CSV or XLSX bytes, via pandas."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from nutrition.exports import frame_as_csv, frame_as_xlsx

BASE_COLUMNS = ["day", "slot", "meal", "food", "grams", "source", "source_id"]


def plan_table(
    document: Mapping, amounts: Mapping[int, Mapping[str, float]], nutrients: Sequence[tuple[str, str]]
) -> pd.DataFrame:
    """One row per food per meal; `amounts` is food id -> {code: per 100 g}; `nutrients` is [(code, column)].

    A nutrient the food's source does not report is left empty (unknown), never 0.
    """
    rows = []
    for day in document.get("days", []):
        for meal in day["meals"]:
            for item in meal["items"]:
                per_100 = amounts.get(item["food_id"], {})
                row = {
                    "day": day["day"],
                    "slot": meal["slot"],
                    "meal": meal["name"],
                    "food": item["food"],
                    "grams": item["grams"],
                    "source": item.get("source", ""),
                    "source_id": item.get("source_id", ""),
                }
                for code, column in nutrients:
                    value = per_100.get(code)
                    row[column] = None if value is None else round(value * item["grams"] / 100.0, 3)
                rows.append(row)
    columns = BASE_COLUMNS + [column for _code, column in nutrients]
    return pd.DataFrame(rows, columns=columns)


def table_csv(table: pd.DataFrame) -> bytes:
    """CSV in which no text cell (a food's name) can run as a formula; see nutrition/exports.py."""
    return frame_as_csv(table).encode("utf-8")


def table_xlsx(table: pd.DataFrame) -> bytes:
    return frame_as_xlsx(table, sheet_name="Plan")
