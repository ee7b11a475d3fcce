"""The food table as a pandas DataFrame, and that table written as CSV, XLSX or JSON.

One row per food: `EXPORT_COLUMNS`, then one column per nutrient code in display order (`nutrient_columns()`).
Amounts are per 100 g, exactly as stored. Unknown stays unknown: an empty cell in CSV and XLSX, `null` in JSON,
never 0. The dietitian's food import reads the same columns, so both sides take them from here.
"""

from __future__ import annotations

import io
import json
import math

import pandas as pd
from django.db.models import QuerySet

from .models import Food, Nutrient
from .selectors import foods_with_amounts

EXPORT_COLUMNS = ("id", "name", "food_group", "source", "source_id", "diets", "allergens")
FORMATS = ("csv", "xlsx", "json")
LIST_SEPARATOR = ";"


def nutrient_columns() -> list[str]:
    """Nutrient codes in display order: the columns after `EXPORT_COLUMNS`."""
    return list(Nutrient.objects.order_by("display_order", "code").values_list("code", flat=True))


def food_row(food: Food, nutrient_codes: list[str]) -> dict:
    amounts = food.amounts_by_code()
    row = {
        "id": food.pk,
        "name": food.name,
        "food_group": food.food_group.name,
        "source": food.source,
        "source_id": food.source_id,
        "diets": LIST_SEPARATOR.join(food.diets),
        "allergens": LIST_SEPARATOR.join(sorted(a.code for a in food.allergens.all())),
    }
    row.update({code: amounts.get(code) for code in nutrient_codes})
    return row


def foods_dataframe(queryset: QuerySet[Food] | None = None) -> pd.DataFrame:
    """Every food in `queryset` (default: all, by name) as one row, in a fixed number of queries."""
    queryset = Food.objects.order_by("name", "id") if queryset is None else queryset
    codes = nutrient_columns()
    rows = [food_row(food, codes) for food in foods_with_amounts(queryset)]
    frame = pd.DataFrame(rows, columns=[*EXPORT_COLUMNS, *codes])
    # Nutrient columns are floats even when a column is all unknown (NaN), text columns stay text.
    return frame.astype({"id": "int64", **{code: "float64" for code in codes}})


def _json_value(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    return value.item() if hasattr(value, "item") else value


def frame_as_json(frame: pd.DataFrame) -> str:
    """Records orientation with floats written exactly (pandas' own to_json rounds to 10 digits)."""
    records = [
        {column: _json_value(value) for column, value in zip(frame.columns, row, strict=True)}
        for row in frame.itertuples(index=False, name=None)
    ]
    return json.dumps(records, ensure_ascii=False, indent=1) + "\n"


def frame_as_csv(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n")


def frame_as_xlsx(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, sheet_name="foods", engine="openpyxl")
    return buffer.getvalue()


def export_foods(format: str, queryset: QuerySet[Food] | None = None) -> str | bytes:
    """The food table in `format` (csv and json as text, xlsx as bytes)."""
    if format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
    frame = foods_dataframe(queryset)
    return {"csv": frame_as_csv, "xlsx": frame_as_xlsx, "json": frame_as_json}[format](frame)
