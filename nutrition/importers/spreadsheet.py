"""Import the food table back from a spreadsheet (CSV or XLSX) in exactly the `export_foods` layout.

Export, edit in a spreadsheet, import: rows with an `id` update that food, rows without one create a
food. Every row is checked first; a single problem means nothing is written, and every problem is
reported by row (as the spreadsheet numbers it, header = row 1), column and value. An empty
nutrient cell means unknown: the amount row is removed. A nutrient column left out entirely is not
touched.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from nutrition.exports import EXPORT_COLUMNS, LIST_SEPARATOR, unescape_formula_text
from nutrition.models import DIETS, Allergen, Food, FoodGroup, ImportBatch, Nutrient, NutrientAmount

from .food_records import ensure_history_baseline, same_number
from .plausibility import Limits, check_amounts

FILE_TYPES = (".csv", ".xlsx")
# An XLSX is a zip: a few MB can inflate to gigabytes of XML. These bound what is read, before pandas reads it
# (settings SPREADSHEET_MAX_ROWS and XLSX_MAX_UNCOMPRESSED_BYTES override them). SR26 has 8,463 foods.
MAX_ROWS = 50_000
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")


@dataclass
class RowChange:
    """What importing one row does: create a food, or change these fields of an existing one."""

    row: int
    food_id: int | None
    name: str
    changes: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)  # name, food_group, diet, source, source_id
    allergens: set[str] = field(default_factory=set)
    amounts: dict[str, float | None] = field(default_factory=dict)  # only the nutrient columns present


@dataclass
class ImportPlan:
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # imported all the same, but worth a look in the preview
    creates: list[RowChange] = field(default_factory=list)
    updates: list[RowChange] = field(default_factory=list)
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        return f"{len(self.creates)} to create, {len(self.updates)} to change, {self.unchanged} unchanged"


def max_rows() -> int:
    return getattr(settings, "SPREADSHEET_MAX_ROWS", MAX_ROWS)


def xlsx_too_large(data: bytes, filename: str) -> str:
    """Why this XLSX is too large to read (uncompressed size or rows past the limits), or ''.

    Reads the zip's directory and counts the worksheets' rows as they inflate, stopping at the limit, so a zip
    bomb costs no more than the limit; zipfile never inflates an entry past the size its directory declares.
    """
    limit = getattr(settings, "XLSX_MAX_UNCOMPRESSED_BYTES", MAX_UNCOMPRESSED_BYTES)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            declared = sum(entry.file_size for entry in entries)
            if declared > limit:
                return f"{filename}: unpacks to {declared:,} bytes, more than the {limit:,} this import reads"
            rows = 0
            for entry in entries:
                if entry.filename.startswith("xl/worksheets/"):
                    with archive.open(entry) as sheet:
                        rows += _count_rows(sheet, stop_after=max_rows() + 1 - rows)
                if rows - 1 > max_rows():  # the header is a row too
                    return f"{filename}: more than {max_rows():,} rows, more than this import reads"
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError):
        return ""  # not a readable zip: pandas says so below, in the same words as for any unreadable file
    return ""


def _count_rows(sheet, stop_after: int, chunk_size: int = 1 << 20) -> int:
    """The <row> elements in a worksheet's XML, read a chunk at a time; stops counting past `stop_after`."""
    rows, tail = 0, b""
    while chunk := sheet.read(chunk_size):
        text = tail + chunk
        cut = max(len(text) - 16, 0)  # a tag may straddle two chunks: one starting in the last bytes waits
        rows += sum(1 for match in _ROW_TAG.finditer(text) if match.start() < cut)
        tail = text[cut:]
        if rows > stop_after:
            return rows
    return rows + len(_ROW_TAG.findall(tail))


def read_table(data: bytes, filename: str) -> tuple[pd.DataFrame | None, list[str]]:
    """The sheet as text cells ('' for empty), or the reason it cannot be read."""
    suffix = Path(filename).suffix.lower()
    if suffix not in FILE_TYPES:
        return None, [f"{filename}: wrong file type {suffix or '(none)'!r}; expected a .csv or .xlsx export"]
    if suffix == ".xlsx" and (reason := xlsx_too_large(data, filename)):
        return None, [reason]
    try:
        if suffix == ".csv":
            frame = pd.read_csv(
                io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig", nrows=max_rows() + 1
            )
        else:
            frame = pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl").fillna("")
    except Exception as exc:  # an uploaded file can fail in any reader layer (zip, XML, CSV, encoding)
        kind = "CSV" if suffix == ".csv" else "XLSX"
        return None, [f"{filename}: not a readable {kind} file ({exc.__class__.__name__})"]
    if len(frame) > max_rows():
        return None, [f"{filename}: more than {max_rows():,} rows, more than this import reads"]
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.map(lambda v: str(v).strip())
    # Only CSV cells carry the export's quote against formulas; an XLSX text cell is text as it stands.
    return (frame.map(unescape_formula_text) if suffix == ".csv" else frame), []


def _parse_amount(text: str) -> float | None | str:
    """A float, None for an empty cell (unknown), or the reason the text is not an amount."""
    if text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        return "is not a number"
    if math.isnan(value) or math.isinf(value):
        return "is not a number"
    return value  # negative and impossible values are plausibility.check_amounts' to refuse


class _Reference:
    """What the rows are checked against, loaded once."""

    def __init__(self):
        self.nutrients = {n.code: n for n in Nutrient.objects.all()}
        groups = list(FoodGroup.objects.all())
        self.groups = {g.name.casefold(): g for g in groups} | {g.code.casefold(): g for g in groups}
        self.allergens = set(Allergen.objects.values_list("code", flat=True))
        self.limits = Limits.load()


def plan_import(frame: pd.DataFrame) -> ImportPlan:
    """Check every row and work out what importing the sheet would do; write nothing."""
    plan = ImportPlan()
    ref = _Reference()
    missing = [c for c in EXPORT_COLUMNS if c not in frame.columns]
    if missing:
        plan.problems += [f"column {c!r} is missing (the export's columns are required)" for c in missing]
    extra = [c for c in frame.columns if c not in EXPORT_COLUMNS]
    unknown = [c for c in extra if c not in ref.nutrients]
    plan.problems += [f"column {c!r} is not a nutrient code" for c in unknown]
    if plan.problems:
        return plan
    nutrient_columns = [c for c in extra if c in ref.nutrients]

    ids = [int(v) for v in frame["id"] if v.isdigit()]
    foods = {
        f.pk: f
        for f in Food.objects.filter(pk__in=ids).select_related("food_group").prefetch_related("allergens", "amounts")
    }
    seen_ids: dict[int, int] = {}
    seen_keys: dict[tuple[str, str], int] = {}
    for index, row in enumerate(frame.to_dict("records")):
        number = index + 2
        change = _check_row(number, row, nutrient_columns, ref, foods, seen_ids, seen_keys, plan)
        if change is None:
            continue
        if change.food_id is None:
            plan.creates.append(change)
        elif change.changes:
            plan.updates.append(change)
        else:
            plan.unchanged += 1
    return plan


def _check_row(number, row, nutrient_columns, ref, foods, seen_ids, seen_keys, plan) -> RowChange | None:
    problems = plan.problems
    before = len(problems)

    def problem(column, message):
        problems.append(f"row {number}, {column}: {message}")

    def warning(column, message):
        plan.warnings.append(f"row {number}, {column}: {message}")

    food = None
    if row["id"]:
        if not row["id"].isdigit():
            problem("id", f"{row['id']!r} is not a food id")
        elif int(row["id"]) in seen_ids:
            problem("id", f"{row['id']!r} is a duplicate of row {seen_ids[int(row['id'])]}")
        else:
            seen_ids[int(row["id"])] = number
            food = foods.get(int(row["id"]))
            if food is None:
                problem("id", f"{row['id']!r} is not a food in the database")
    if not row["name"]:
        problem("name", "is empty")
    group = ref.groups.get(row["food_group"].casefold())
    if group is None:
        problem("food_group", f"{row['food_group']!r} is not a known food group")
    diets = [d.strip() for d in row["diets"].split(LIST_SEPARATOR) if d.strip()]
    if bad := [d for d in diets if d not in DIETS]:
        problem("diets", f"{LIST_SEPARATOR.join(bad)!r} is not a diet (vegan, vegetarian, pescatarian, omnivore)")
    diet = min((DIETS.index(d) for d in diets if d in DIETS), default=len(DIETS) - 1)
    allergens = {a.strip() for a in row["allergens"].split(LIST_SEPARATOR) if a.strip()}
    if bad := sorted(allergens - ref.allergens):
        problem("allergens", f"{LIST_SEPARATOR.join(bad)!r} is not a known allergen code")
    source, source_id = row["source"], row["source_id"]
    if food is not None and source == food.source and lost_leading_zeros(source_id, food.source_id):
        warning(
            "source_id",
            f"{source_id!r} read as {food.source_id!r}, the food's own (a spreadsheet program "
            "dropped the leading zeros)",
        )
        source_id = food.source_id
    if food is not None and (source, source_id) != (food.source, food.source_id):
        problem("source", f"{source!r} {source_id!r} differs from the food's own ({food.source} {food.source_id})")
    elif food is None and not row["id"]:
        if not source or not source_id:
            problem("source_id" if source else "source", "is empty: a new food must name its dataset and id")
        elif (source, source_id) in seen_keys:
            problem("source_id", f"{source_id!r} is a duplicate of row {seen_keys[(source, source_id)]}")
        elif existing := _same_source_id(source, source_id):
            problem(
                "source_id", f"{source} {existing.source_id!r} already exists: give its id {existing.pk} to update it"
            )
        seen_keys[(source, source_id)] = number
    amounts = {}
    for code in nutrient_columns:
        parsed = _parse_amount(row[code])
        if isinstance(parsed, str):
            problem(code, f"{row[code]!r} {parsed}")
        else:
            amounts[code] = parsed
    if len(problems) == before:
        resulting = {**(_current_amounts(food, ref.nutrients) if food else {}), **amounts}
        impossible, unlikely = check_amounts(resulting, ref.limits, written={c: row[c] for c in amounts})
        for column, message in impossible:
            problem(column, message)
        for column, message in unlikely:
            warning(column, message)
    if len(problems) > before:
        return None

    values = {"name": row["name"], "food_group": group, "diet": DIETS[diet], "source": source, "source_id": source_id}
    change = RowChange(number, food.pk if food else None, row["name"], values=values, allergens=allergens)
    change.amounts = amounts
    change.changes = _differences(food, change, ref.nutrients) if food else ["new food"]
    return change


def lost_leading_zeros(text: str, own: str) -> bool:
    """Whether `text` is the id `own` as a spreadsheet program writes it back: digits without the leading zeros
    (NDB number 09001 becomes 9001)."""
    return text != own and text.isdigit() and own.isdigit() and own.startswith("0") and own.lstrip("0") == text


def _same_source_id(source: str, source_id: str) -> Food | None:
    """The food this dataset id names, also when a spreadsheet program dropped its leading zeros."""
    found = Food.objects.filter(source=source, source_id=source_id).first()
    if found is None and source_id.isdigit():
        padded = Food.objects.filter(source=source, source_id__endswith=source_id, source_id__startswith="0")
        found = next((f for f in padded if lost_leading_zeros(source_id, f.source_id)), None)
    return found


def _current_amounts(food: Food, nutrients: dict[str, Nutrient]) -> dict[str, float]:
    codes = {n.pk: code for code, n in nutrients.items()}
    return {codes[a.nutrient_id]: a.amount for a in food.amounts.all() if a.nutrient_id in codes}


def _differences(food: Food, change: RowChange, nutrients: dict[str, Nutrient]) -> list[str]:
    what = []
    for name in ("name", "food_group", "diet"):
        old, new = getattr(food, name), change.values[name]
        if old != new:
            what.append(f"{name}: {str(old)!r} -> {str(new)!r}")
    old_allergens = {a.code for a in food.allergens.all()}
    if old_allergens != change.allergens:
        what.append(f"allergens: {';'.join(sorted(old_allergens))!r} -> {';'.join(sorted(change.allergens))!r}")
    current = {a.nutrient_id: a.amount for a in food.amounts.all()}
    for code, value in change.amounts.items():
        old = current.get(nutrients[code].pk)
        if old is None and value is None:
            continue
        if old is None or value is None or not same_number(old, value):
            what.append(f"{code}: {_show(old)} -> {_show(value)}")
    return what


def _show(value: float | None) -> str:
    return "unknown" if value is None else f"{value:g}"


def apply_plan(plan: ImportPlan, *, source: str, user=None) -> ImportBatch:
    """Write a checked plan in one transaction, with history; returns the batch it recorded."""
    if not plan.ok:
        raise ValueError("a plan with problems cannot be applied")
    nutrients = {n.code: n for n in Nutrient.objects.all()}
    allergens = {a.code: a for a in Allergen.objects.all()}
    with transaction.atomic():
        batch = ImportBatch.objects.create(kind="import-foods", source=source[:500], user=user)
        reason = f"import-foods #{batch.pk}: {Path(source).name}"[:100]
        for change in plan.creates:
            food = Food(**change.values, import_batch=batch)
            _save(food, reason, user)
            food.allergens.set([allergens[c] for c in change.allergens])
            _write_amounts(food, change.amounts, nutrients, reason, user, source)
        for change in plan.updates:
            ensure_history_baseline(Food, change.food_id)
            food = Food.objects.get(pk=change.food_id)
            for name in ("name", "food_group", "diet"):
                setattr(food, name, change.values[name])
            food.import_batch = batch
            _save(food, reason, user)
            food.allergens.set([allergens[c] for c in change.allergens])
            _write_amounts(food, change.amounts, nutrients, reason, user, source)
        batch.created, batch.updated, batch.unchanged = len(plan.creates), len(plan.updates), plan.unchanged
        batch.notes = plan.summary()
        batch.finished_at = timezone.now()
        batch.save()
    return batch


def _save(obj, reason, user):
    obj._change_reason = reason
    if user is not None:
        obj._history_user = user
    obj.save()


def _write_amounts(food, amounts, nutrients, reason, user, source):
    current = {a.nutrient.code: a for a in food.amounts.select_related("nutrient")}
    label = f"spreadsheet {Path(source).name}"[:100]
    for code, value in amounts.items():
        amount = current.get(code)
        if amount is not None and (value is None or not same_number(amount.amount, value)):
            ensure_history_baseline(NutrientAmount, amount.pk)
        if value is None:
            if amount is not None:
                amount._change_reason = reason
                if user is not None:
                    amount._history_user = user
                amount.delete()
        elif amount is None:
            _save(NutrientAmount(food=food, nutrient=nutrients[code], amount=value, source=label), reason, user)
        elif not same_number(amount.amount, value):
            amount.amount, amount.source = value, label
            _save(amount, reason, user)


def check_file(data: bytes, filename: str) -> tuple[ImportPlan, pd.DataFrame | None]:
    """Read the file once and check it against the database: the plan and the sheet it was made from."""
    frame, problems = read_table(data, filename)
    if frame is None:
        return ImportPlan(problems=problems), None
    return plan_import(frame), frame


def import_frame(frame: pd.DataFrame, filename: str, *, user=None) -> tuple[ImportPlan, ImportBatch | None]:
    """Check an already read sheet again (the database may have changed since) and, if it still fits, apply it."""
    plan = plan_import(frame)
    return plan, apply_plan(plan, source=filename, user=user) if plan.ok else None


def import_foods_file(data: bytes, filename: str, *, dry_run: bool = False, user=None):
    """Read, check and (unless dry_run or a problem was found) apply a spreadsheet. Returns (plan, batch)."""
    plan, _ = check_file(data, filename)
    if not plan.ok or dry_run:
        return plan, None
    return plan, apply_plan(plan, source=filename, user=user)
