"""The food table as a pandas DataFrame, and that table written as CSV, XLSX or JSON.

One row per food: `EXPORT_COLUMNS`, then one column per nutrient code in display order (`nutrient_columns()`).
Amounts are per 100 g, exactly as stored. Unknown stays unknown: an empty cell in CSV and XLSX, `null` in JSON,
never 0. The dietitian's food import reads the same columns, so both sides take them from here.

No spreadsheet may run a text cell as a formula (a food named `=HYPERLINK(...)`): in CSV, text that starts with
`=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'` (OWASP's advice), which the import takes off
again; in XLSX such text is written as a text cell with Excel's quote prefix. Numbers stay numbers, negative ones
too. The plan exports (`planner/exports.py`) write their tables through the same two functions.
"""

from __future__ import annotations

import io
import json
import math
import re

import pandas as pd
from django.db.models import QuerySet
from openpyxl.cell.cell import TYPE_STRING

from .models import Food, Nutrient
from .selectors import foods_with_amounts

EXPORT_COLUMNS = ("id", "name", "food_group", "source", "source_id", "diets", "allergens")
FORMATS = ("csv", "xlsx", "json")
LIST_SEPARATOR = ";"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Text a spreadsheet would read as a formula, also after quotes: "'=x" is escaped as "''=x" so it comes back as is.
_ESCAPED = re.compile(r"^'+[=+\-@\t\r]")
_NEEDS_ESCAPE = re.compile(r"^'*[=+\-@\t\r]")


def escape_formula_text(value):
    """Text a spreadsheet would run as a formula, with a leading `'`; anything else (numbers too) as it is."""
    if isinstance(value, str) and _NEEDS_ESCAPE.match(value):
        return "'" + value
    return value


def unescape_formula_text(text: str) -> str:
    """The text `escape_formula_text` was given (the import's side)."""
    return text[1:] if _ESCAPED.match(text) else text


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


def _text_columns(frame: pd.DataFrame) -> list[str]:
    return [column for column in frame.columns if not pd.api.types.is_numeric_dtype(frame[column])]


def frame_as_csv(frame: pd.DataFrame, **options) -> str:
    """The frame as CSV, text that starts like a formula escaped (see the module's docstring)."""
    escaped = frame.assign(**{c: frame[c].map(escape_formula_text) for c in _text_columns(frame)})
    return escaped.to_csv(index=False, lineterminator="\n", **options)


def frame_as_xlsx(frame: pd.DataFrame, sheet_name: str = "foods") -> bytes:
    """The frame as one XLSX sheet in which every text cell is text, never a formula."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name=sheet_name)
        for row in writer.sheets[sheet_name].iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str) and _NEEDS_ESCAPE.match(cell.value):
                    cell.data_type = TYPE_STRING  # openpyxl takes any text starting with "=" for a formula
                    cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    return buffer.getvalue()


def export_foods(format: str, queryset: QuerySet[Food] | None = None) -> str | bytes:
    """The food table in `format` (csv and json as text, xlsx as bytes)."""
    if format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
    frame = foods_dataframe(queryset)
    return {"csv": frame_as_csv, "xlsx": frame_as_xlsx, "json": frame_as_json}[format](frame)
