"""Saving foods read from a dataset (SR release, FDC API, FDC bundle) in one all-or-nothing step.

The readers turn their source into `FoodRecord`s; `save_food_records` compares them with what the
database holds and writes only the differences, with history, in a few bulk queries. So a second
run of the same import changes nothing, and a food a dietitian renamed keeps its name.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from nutrition.models import Food, FoodGroup, ImportBatch, Nutrient, NutrientAmount, Portion

BATCH_SIZE = 2000
CHUNK_FOODS = 2000


@dataclass
class PortionRecord:
    seq: int
    amount: float
    description: str
    grams: float


@dataclass
class FoodRecord:
    """One food as its dataset describes it. A code missing from `amounts` is unknown there."""

    source: str
    source_id: str
    name: str
    group_code: str
    group_name: str
    amounts: dict[str, float] = field(default_factory=dict)
    portions: list[PortionRecord] = field(default_factory=list)
    source_description: str = ""


@dataclass
class SaveResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changes: dict[str, list[str]] = field(default_factory=dict)  # source_id -> what changed


class ImportRefused(Exception):
    """A dataset that cannot be imported as it stands (SR release, FDC API or bundle): nothing was written.
    Each of `problems` names where (file and line, or food and nutrient) and why."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = list(problems)


@dataclass
class DatasetImport:
    """What importing a dataset did: the changes, the batch that records them, and what to look at."""

    result: SaveResult
    batch: ImportBatch
    warnings: list[str] = field(default_factory=list)  # values far beyond SR26's highest, saved all the same
    missing_ids: list[int] = field(default_factory=list)  # ids asked for that the source does not know


def same_number(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def ensure_food_groups(records: Iterable[FoodRecord]) -> dict[str, FoodGroup]:
    """Food groups by the records' group code; a group already known by name is reused as is."""
    groups = {g.code: g for g in FoodGroup.objects.all()}
    by_name = {g.name: g for g in groups.values()}
    wanted: dict[str, str] = {}
    for record in records:
        wanted.setdefault(record.group_code, record.group_name)
    result = {}
    for code, name in wanted.items():
        group = groups.get(code) or by_name.get(name)
        if group is None:
            group = FoodGroup.objects.create(code=code, name=name)
            by_name[name] = group
        result[code] = group
    return result


def save_food_records(
    records: list[FoodRecord],
    *,
    covered_codes: Iterable[str],
    batch: ImportBatch,
    user=None,
    progress=None,
) -> SaveResult:
    """Create or update the records' foods, amounts and portions; return what changed.

    `covered_codes` are the nutrients the dataset can report: one of those missing from a record is
    unknown there, so an amount the food got from this dataset is removed. Amounts with their own
    `source` (filled in from elsewhere) and nutrients outside `covered_codes` are left alone.
    """
    reason = f"{batch.kind} #{batch.pk}"
    nutrients = {n.code: n for n in Nutrient.objects.filter(code__in=list(covered_codes))}
    result = SaveResult()
    with transaction.atomic():
        groups = ensure_food_groups(records)
        # A chunk of foods at a time, so memory stays bounded however many foods the dataset has.
        for start in range(0, len(records), CHUNK_FOODS):
            _save_chunk(records[start : start + CHUNK_FOODS], groups, nutrients, batch, user, reason, result)
            if progress is not None:
                progress.update(len(records[start : start + CHUNK_FOODS]))
    return result


def _save_chunk(records, groups, nutrients, batch, user, reason, result: SaveResult) -> None:
    sources = {r.source for r in records}
    candidates = Food.objects.filter(source__in=sources, source_id__in=[r.source_id for r in records])
    existing = {(f.source, f.source_id): f for f in candidates}
    food_ids = [f.pk for f in existing.values()]
    amounts = _existing_amounts(food_ids, nutrients)
    portions = _existing_portions(food_ids)

    new_foods, changed_foods = [], []
    new_amounts, changed_amounts, gone_amounts = [], [], []
    new_portions, changed_portions, gone_portions = [], [], []
    pending: list[FoodRecord] = []
    now = timezone.now()
    for record in records:
        food = existing.get((record.source, record.source_id))
        if food is None:
            food = Food(
                name=record.name[:200],
                food_group=groups[record.group_code],
                source=record.source,
                source_id=record.source_id,
                source_description=record.source_description[:300],
                import_batch=batch,
            )
            new_foods.append(food)
            pending.append(record)
            result.created += 1
            continue
        what: list[str] = []
        if food.source_description != record.source_description[:300]:
            food.source_description = record.source_description[:300]
            what.append("source_description")
        what += _diff_amounts(food, record, nutrients, amounts, new_amounts, changed_amounts, gone_amounts)
        what += _diff_portions(food, record, portions, new_portions, changed_portions, gone_portions)
        if what:
            food.import_batch = batch
            food.updated_at = now
            changed_foods.append(food)
            result.updated += 1
            result.changes[record.source_id] = what
        else:
            result.unchanged += 1

    options = {"batch_size": BATCH_SIZE, "default_user": user, "default_change_reason": reason}
    created = bulk_create_with_history(new_foods, Food, **options)
    for record, food in zip(pending, created, strict=True):
        new_amounts += [
            NutrientAmount(food=food, nutrient=nutrients[code], amount=value)
            for code, value in record.amounts.items()
            if code in nutrients
        ]
        new_portions += [
            Portion(food=food, seq=p.seq, amount=p.amount, description=p.description[:120], grams=p.grams)
            for p in record.portions
        ]
    if changed_foods:
        bulk_update_with_history(changed_foods, Food, ["source_description", "import_batch", "updated_at"], **options)
    _delete_with_history(gone_amounts, user, reason)
    _delete_with_history(gone_portions, user, reason)
    bulk_create_with_history(new_amounts, NutrientAmount, **options)
    bulk_create_with_history(new_portions, Portion, **options)
    if changed_amounts:
        bulk_update_with_history(changed_amounts, NutrientAmount, ["amount"], **options)
    if changed_portions:
        bulk_update_with_history(changed_portions, Portion, ["amount", "description", "grams"], **options)


def _existing_amounts(food_ids, nutrients) -> dict[tuple[int, str], NutrientAmount]:
    if not food_ids:
        return {}
    codes = {n.pk: code for code, n in nutrients.items()}
    rows = NutrientAmount.objects.filter(food_id__in=food_ids, nutrient_id__in=list(codes))
    return {(a.food_id, codes[a.nutrient_id]): a for a in rows}


def _existing_portions(food_ids) -> dict[int, dict[int, Portion]]:
    result: dict[int, dict[int, Portion]] = {}
    if food_ids:
        for portion in Portion.objects.filter(food_id__in=food_ids):
            result.setdefault(portion.food_id, {})[portion.seq] = portion
    return result


def _diff_amounts(food, record, nutrients, amounts, new, changed, gone) -> list[str]:
    what = []
    for code, nutrient in nutrients.items():
        current = amounts.get((food.pk, code))
        value = record.amounts.get(code)
        if current is not None and current.source:
            continue  # filled in from another source by a person: not this dataset's to change
        if value is None:
            if current is not None:
                gone.append(current)
                what.append(f"{code}: {current.amount:g} -> unknown")
        elif current is None:
            new.append(NutrientAmount(food=food, nutrient=nutrient, amount=value))
            what.append(f"{code}: unknown -> {value:g}")
        elif not same_number(current.amount, value):
            what.append(f"{code}: {current.amount:g} -> {value:g}")
            current.amount = value
            changed.append(current)
    return what


def _diff_portions(food, record, portions, new, changed, gone) -> list[str]:
    what = []
    current = portions.get(food.pk, {})
    wanted = {p.seq: p for p in record.portions}
    for seq, portion in current.items():
        if seq not in wanted:
            gone.append(portion)
            what.append(f"portion {seq} removed")
    for seq, p in wanted.items():
        portion = current.get(seq)
        description = p.description[:120]
        if portion is None:
            new.append(Portion(food=food, seq=seq, amount=p.amount, description=description, grams=p.grams))
            what.append(f"portion {seq} added")
        elif (
            portion.description != description
            or not same_number(portion.amount, p.amount)
            or not same_number(portion.grams, p.grams)
        ):
            portion.amount, portion.description, portion.grams = p.amount, description, p.grams
            changed.append(portion)
            what.append(f"portion {seq} changed")
    return what


def _delete_with_history(objects, user, reason):
    for obj in objects:
        obj._change_reason = reason
        obj._history_user = user
        obj.delete()


def start_batch(kind: str, source: str, user=None) -> ImportBatch:
    return ImportBatch.objects.create(kind=kind, source=str(source)[:500], user=user)


def finish_batch(batch: ImportBatch, result: SaveResult, notes: str = "", errors: int = 0) -> ImportBatch:
    batch.created, batch.updated, batch.unchanged, batch.errors = (
        result.created,
        result.updated,
        result.unchanged,
        errors,
    )
    batch.notes = notes
    batch.finished_at = timezone.now()
    batch.save()
    return batch


BASELINE_REASON = "State before the first recorded change"


def ensure_history_baseline(model, pk, before=None) -> None:
    """Record the row as it stands if it has no history yet (fixtures load without any), so a later
    change can be shown as a diff and reverted. Call before changing or deleting the row; `before` (a time,
    default now) dates the record just before it, so that rows changed together get one baseline time."""
    if pk is None or model.history.filter(**{model._meta.pk.attname: pk}).exists():
        return
    current = model._default_manager.filter(pk=pk).first()
    if current is not None:
        current._history_user = None
        current._change_reason = BASELINE_REASON
        moment = before or timezone.now()
        model.history.bulk_history_create([current], default_date=moment - timedelta(microseconds=1))
