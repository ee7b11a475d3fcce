"""How a FoodData Central food becomes a `FoodRecord`: one mapping for the API (`fdc.py`) and the CSV bundle
(`fdc_bundle.py`), which differ only in how they read FDC's fields.

Nutrients are matched on FDC's `nutrient.id` (1089 iron), never on the older three-digit `number`,
which FDC has reused. A nutrient a record does not list stays unknown: no amount row, never zero.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from nutrition.models import Nutrient

from .food_records import FoodRecord, PortionRecord

SOURCE = "usda-fdc"
ENERGY_ID = 1008
# Foundation Foods often lack 1008: use the Atwater energy instead, specific factors first (closer to the food).
ENERGY_FALLBACK_IDS = (2048, 2047)
UNCATEGORISED = "FoodData Central, uncategorised"


def nutrient_codes_by_fdc_id() -> dict[int, str]:
    return dict(Nutrient.objects.exclude(fdc_nutrient_id=None).values_list("fdc_nutrient_id", "code"))


def wanted_nutrient_ids(codes_by_id: dict[int, str]) -> set[int]:
    """The FDC nutrient ids worth reading: the ones we track and the energy fallbacks."""
    return set(codes_by_id) | set(ENERGY_FALLBACK_IDS)


def group_code(category_id, name: str) -> str:
    if category_id not in (None, ""):
        return f"fdc-{category_id}"[:16]
    return "fdc-" + hashlib.sha1(name.encode()).hexdigest()[:8]


def amounts_by_code(by_id: dict[int, float], codes_by_id: dict[int, str]) -> dict[str, float]:
    """FDC amounts (by nutrient id) as ours (by code), energy falling back to the Atwater values."""
    amounts = {code: by_id[nid] for nid, code in codes_by_id.items() if nid in by_id}
    energy_code = codes_by_id.get(ENERGY_ID)
    if energy_code and ENERGY_ID not in by_id:
        for fallback in ENERGY_FALLBACK_IDS:
            if fallback in by_id:
                amounts[energy_code] = by_id[fallback]
                break
    return amounts


@dataclass
class FdcPortion:
    """One FDC portion as either source gives it (`seq` and `amount` None when FDC left them out)."""

    seq: int | None
    amount: float | None
    description: str
    unit: str
    modifier: str
    grams: float | None


def portion_description(portion: FdcPortion) -> str:
    text = (portion.description or "").strip()
    if text and text.lower() != "quantity not specified":
        return text
    unit = (portion.unit or "").strip()
    parts = [p for p in (unit if unit != "undetermined" else "", (portion.modifier or "").strip()) if p]
    return ", ".join(parts) or "portion"


def portion_records(portions: Iterable[FdcPortion]) -> list[PortionRecord]:
    """The portions with a weight, each with a sequence number of its own (FDC sometimes repeats one)."""
    result: list[PortionRecord] = []
    for portion in portions:
        if portion.grams is None or not portion.grams > 0:
            continue
        seq = portion.seq if portion.seq else len(result) + 1
        if any(p.seq == seq for p in result):
            seq = max(p.seq for p in result) + 1
        amount = portion.amount if portion.amount and portion.amount == portion.amount else 1.0  # NaN != NaN
        result.append(PortionRecord(seq, float(amount), portion_description(portion), float(portion.grams)))
    return result


def food_record(
    *,
    fdc_id,
    description: str,
    data_type: str,
    category_id,
    category_name: str,
    amounts_by_id: dict[int, float],
    codes_by_id: dict[int, str],
    portions: Iterable[FdcPortion],
) -> FoodRecord:
    group_name = (category_name or "").strip() or UNCATEGORISED
    description = str(description).strip()
    return FoodRecord(
        source=SOURCE,
        source_id=str(fdc_id),
        name=description,
        group_code=group_code(category_id, group_name),
        group_name=group_name,
        amounts=amounts_by_code(amounts_by_id, codes_by_id),
        portions=portion_records(portions),
        source_description=f"{data_type or ''}: {description}".strip(": "),
    )
