"""Lab results as the journal shows them: in the unit the person entered, with the band each value falls in.

Units and bands come from `planner.labs` (converted once, stored canonical); this module only shapes them.
"""

from __future__ import annotations

from collections.abc import Iterable

from planner import labs as lab_rules
from planner.models import Profile

# AASM 2024: iron studies are drawn in the morning, with no iron supplement for 24 hours before (iron taken
# that day raises serum iron and transferrin saturation for hours and makes the result unreadable).
DRAW_ADVICE = (
    "Have ferritin and transferrin saturation drawn in the morning, and take no iron supplement for 24 hours "
    "before (AASM 2024)."
)
IRON_LABS = ("ferritin", "transferrin_saturation")
# Band lines drawn on the trends charts, canonical units, each from `planner.labs` (AASM 2024).
FERRITIN_LINES = (
    (lab_rules.FERRITIN_IRON_THERAPY_MAX, "75 ng/mL: at or below, the AASM 2024 guideline suggests iron therapy"),
    (lab_rules.FERRITIN_IV_ONLY_MAX, "100 ng/mL: above, no iron therapy for RLS"),
)
TSAT_LINES = (
    (lab_rules.TSAT_IRON_THERAPY_BELOW, "20%: below, the AASM 2024 guideline suggests iron therapy"),
    (lab_rules.TSAT_HIGH_FROM, "45%: at or above, no iron therapy for RLS"),
)
BAND_CLASS = {
    "iron_therapy": "low",
    "low": "low",
    "deficient": "low",
    "inadequate": "low",
    "iv_only": "mid",
    "borderline": "mid",
    "no_iron_therapy": "high",
    "high": "high",
}


def person_age(person) -> int | None:
    """The age on the person's most recently saved profile (children have their own ferritin threshold)."""
    profile = Profile.objects.filter(owner=person).order_by("-updated_at").only("age").first()
    return profile.age if profile else None


def shown_value(result) -> float:
    return lab_rules.from_canonical(result.lab, result.value, result.unit)


def lab_rows(results: Iterable, person, age: int | None = ...) -> list[dict]:
    """Each result with its value in the entered unit and its band (AASM 2024 for ferritin and saturation)."""
    age = person_age(person) if age is ... else age
    rows = []
    for result in results:
        found = lab_rules.band(result.lab, result.value, age=age)
        rows.append(
            {
                "result": result,
                "value": f"{round(shown_value(result), 2):g}",
                "unit": lab_rules.LABS[result.lab].unit_label(result.unit),
                "canonical": f"{result.value:.4g} {lab_rules.LABS[result.lab].unit_label()}",
                "converted": result.unit != lab_rules.LABS[result.lab].canonical_unit,
                "band": found.text[0].upper() + found.text[1:] + ".",
                "band_class": BAND_CLASS.get(found.key, "ok"),
                "iron": result.lab in IRON_LABS,
            }
        )
    return rows
