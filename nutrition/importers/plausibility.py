"""What a food's value per 100 g can be: the one check every import makes (FDC API, FDC bundle, SR release,
spreadsheet) before it writes anything.

Refused, as impossible: a negative value; a nutrient whose mass is above 100 g in 100 g of food; protein, fat,
carbohydrate and fibre together above 100 g. USDA's carbohydrate is "by difference" and already holds the fibre,
so the sum counts fibre once: protein + fat + the larger of carbohydrate and fibre (adding fibre again would refuse
521 SR26 foods, peanuts among them). Warned about, as probably a slip (mg for µg, a missing decimal point): a
value more than `WARN_FACTOR` times the highest SR26 reports for that nutrient.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from nutrition.curation.sr26_highest import read_highest
from nutrition.models import Nutrient

from .food_records import FoodRecord, ImportRefused

GRAMS_PER_UNIT = {"g": 1.0, "mg": 1e-3, "µg": 1e-6, "ug": 1e-6, "mcg": 1e-6}
MACROS = ("protein_g", "fat_g", "carbohydrate_g", "fiber_g")
MAX_GRAMS = 100.0
WARN_FACTOR = 10
# Rounded values may add up past 100 g without being impossible: SR26's cold-pressed flaxseed oil adds up to 100.16.
SUM_TOLERANCE = 0.5


@dataclass
class Limits:
    """The units and SR26's highest values, read once per import."""

    grams_per_unit: dict[str, float] = field(default_factory=dict)  # nutrient code -> grams per unit (mass only)
    units: dict[str, str] = field(default_factory=dict)
    highest: dict[str, float] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Limits:
        units = dict(Nutrient.objects.values_list("code", "unit"))
        grams = {code: GRAMS_PER_UNIT[unit] for code, unit in units.items() if unit in GRAMS_PER_UNIT}
        return cls(grams_per_unit=grams, units=units, highest=read_highest())


def check_amounts(
    amounts: Mapping[str, float | None], limits: Limits, written: Mapping[str, str] | None = None
) -> tuple[list[tuple], list[tuple]]:
    """(problems, warnings) for one food's values per 100 g, each as (column, message); `written` gives a
    value as its file wrote it, for the message."""
    problems, warnings = [], []
    for code, value in amounts.items():
        if value is None:
            continue
        unit = limits.units.get(code, "")
        shown = repr(written[code]) if written and code in written else f"{value:g} {unit}"
        if value < 0:
            problems.append((code, f"{shown} is negative"))
        elif code in limits.grams_per_unit and value * limits.grams_per_unit[code] > MAX_GRAMS:
            grams = value * limits.grams_per_unit[code]
            problems.append((code, f"{shown} per 100 g weighs {grams:g} g, more than the 100 g of food it is in"))
        elif code in limits.highest and value > WARN_FACTOR * limits.highest[code]:
            warnings.append(
                (
                    code,
                    f"{shown} per 100 g is more than {WARN_FACTOR} times the highest in SR26 "
                    f"({limits.highest[code]:g} {unit}): check the unit and the decimal point",
                )
            )
    present = [code for code in MACROS if amounts.get(code) is not None and amounts[code] >= 0]
    protein, fat, carbohydrate, fibre = (amounts[code] if code in present else 0.0 for code in MACROS)
    total = protein + fat + max(carbohydrate, fibre)
    if total > MAX_GRAMS + SUM_TOLERANCE:
        parts = " + ".join(f"{code} {amounts[code]:g}" for code in present)
        message = f"{parts} is {total:g} g (fibre counted within carbohydrate), more than the 100 g of food"
        problems.append((", ".join(present), message))
    return problems, warnings


def check_records(records: Iterable[FoodRecord], limits: Limits | None = None) -> list[str]:
    """Raise ImportRefused naming every impossible value (by food and nutrient); return the warnings."""
    limits = limits or Limits.load()
    problems, warnings = [], []
    for record in records:
        where = f"food {record.source} {record.source_id} ({record.name[:60]})"
        found, warned = check_amounts(record.amounts, limits)
        problems += [f"{where}, {column}: {message}" for column, message in found]
        warnings += [f"{where}, {column}: {message}" for column, message in warned]
    if problems:
        raise ImportRefused(problems)
    return warnings
