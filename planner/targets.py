"""A person's daily nutrient targets, each with the reason it has that value.

Plain module: reads reference intakes through `nutrition.intakes` and works out energy and macros
from published equations. No views, forms or HTTP. Every number below cites where it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass

from nutrition import intakes
from nutrition.models import RLS_NUTRIENTS, Nutrient

from . import labs
from .profiles import PlanProfile

# A known deficiency raises the DRI by this factor (our rule, stated in the reason), never past the food UL.
DEFICIENCY_FACTOR = 1.5
# When a raised or adjusted target would reach the UL that applies to food, it stops at this share of it.
UL_HEADROOM = 0.9

DEFICIENCY_NUTRIENT = {
    "iron": "iron_mg",
    "folate": "folate_ug_dfe",
    "magnesium": "magnesium_mg",
    "vitamin_b12": "vitamin_b12_ug",
    "vitamin_d": "vitamin_d_ug",
    "vitamin_c": "vitamin_c_mg",
}

# Mifflin-St Jeor (1990) x activity factor for adults 19+.
ACTIVITY_FACTORS = {"sedentary": 1.2, "low": 1.375, "active": 1.55, "very_active": 1.725}
# IOM (2005) Dietary Reference Intakes for Energy: physical activity coefficients for ages 3-18.
PA_COEFFICIENTS = {
    "male": {"sedentary": 1.00, "low": 1.13, "active": 1.26, "very_active": 1.42},
    "female": {"sedentary": 1.00, "low": 1.16, "active": 1.31, "very_active": 1.56},
}
PREGNANCY_KCAL = 340  # IOM 2005, second-trimester increment
LACTATION_KCAL = 330  # IOM 2005, first six months (500 kcal milk energy - 170 kcal weight loss)

# Acceptable Macronutrient Distribution Ranges (IOM 2005), % of energy: (min age, protein, fat, carbohydrate).
AMDR = (
    (19, (10, 35), (20, 35), (45, 65)),
    (4, (10, 30), (25, 35), (45, 65)),
    (1, (5, 20), (30, 40), (45, 65)),
)
KCAL_PER_G = {"protein_g": 4.0, "fat_g": 9.0, "carbohydrate_g": 4.0}
# Protein RDA, g per kg body weight per day (IOM 2005): (min age, g/kg).
PROTEIN_RDA_G_PER_KG = ((19, 0.8), (14, 0.85), (4, 0.95), (1, 1.05))
PROTEIN_RDA_PREGNANT_LACTATING = 1.1
FIBRE_G_PER_1000_KCAL = 14.0  # IOM 2005 Adequate Intake basis
# Sodium Chronic Disease Risk Reduction intakes (NASEM 2019): (min age, mg/day).
SODIUM_CDRR = ((14, 2300), (9, 1800), (4, 1500), (1, 1200))


@dataclass(frozen=True)
class Target:
    code: str
    name: str
    unit: str
    target: float | None
    upper: float | None = None
    low: float | None = None
    high: float | None = None
    reason: str = ""
    upper_is_ul: bool = False  # True when `upper` is a Tolerable Upper Intake Level (hard); False when soft
    focus: bool = False  # one of the six RLS nutrients

    def as_dict(self) -> dict:
        return {
            "target": _round(self.target),
            "upper": _round(self.upper),
            "low": _round(self.low),
            "high": _round(self.high),
            "unit": self.unit,
            "reason": self.reason,
            "upper_is_ul": self.upper_is_ul,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _by_age(table, age):
    return next(row for row in table if age >= row[0])


def lab_assessment(profile: PlanProfile) -> labs.LabAssessment:
    """What the person's lab results say: targets to raise, raises to block, notes (all with sources)."""
    return labs.assess(profile.labs, age=profile.age, sex=profile.sex, life_stage=profile.life_stage)


def deficiencies_with_reasons(
    profile: PlanProfile, assessment: labs.LabAssessment | None = None
) -> dict[str, list[str]]:
    """Deficiency -> why we raise its target: stated by the person, or a low lab with its band and source.

    A high lab value (ferritin above 100 ng/mL, transferrin saturation at or above 45%) blocks the raise even when
    the person ticked the deficiency: `assessment.blocks` says why, beside the target.
    """
    assessment = assessment or lab_assessment(profile)
    found: dict[str, list[str]] = {
        d: ["you told us about it"] for d in profile.deficiencies if d not in assessment.blocks
    }
    for deficiency, reasons in assessment.raises.items():
        found.setdefault(deficiency, []).extend(reasons)
    return found


def energy_kcal(profile: PlanProfile) -> tuple[float, str]:
    """Daily energy need and how it was worked out."""
    age, weight, height_m = profile.age, profile.weight_kg, profile.height_cm / 100
    if age >= 19:
        base = 10 * weight + 6.25 * profile.height_cm - 5 * age + (5 if profile.sex == "male" else -161)
        factor = ACTIVITY_FACTORS[profile.activity]
        kcal = base * factor
        reason = (
            f"Mifflin-St Jeor resting energy {base:.0f} kcal x {factor} for {profile.activity.replace('_', ' ')} "
            "activity"
        )
    elif age <= 2:
        kcal = 89 * weight - 100 + 20
        reason = "IOM 2005 estimated energy requirement for ages 1-2 (89 x weight - 100 + 20)"
    else:
        pa = PA_COEFFICIENTS[profile.sex][profile.activity]
        growth = 20 if age <= 8 else 25
        if profile.sex == "male":
            kcal = 88.5 - 61.9 * age + pa * (26.7 * weight + 903 * height_m) + growth
        else:
            kcal = 135.3 - 30.8 * age + pa * (10 * weight + 934 * height_m) + growth
        reason = f"IOM 2005 estimated energy requirement for {profile.sex}s aged {age} (activity coefficient {pa})"
    if profile.life_stage == "pregnant":
        kcal += PREGNANCY_KCAL
        reason += f", plus {PREGNANCY_KCAL} kcal for pregnancy (IOM 2005 second-trimester figure)"
    elif profile.life_stage == "lactating":
        kcal += LACTATION_KCAL
        reason += f", plus {LACTATION_KCAL} kcal for lactation (IOM 2005, first six months)"
    return kcal, reason + "."


def _macro_targets(profile: PlanProfile, kcal: float, nutrients: dict[str, Nutrient]) -> dict[str, Target]:
    _age, protein, fat, carb = _by_age(AMDR, profile.age)
    group = "adults" if profile.age >= 19 else ("ages 4-18" if profile.age >= 4 else "ages 1-3")
    targets = {}
    for code, (low_pct, high_pct) in (("protein_g", protein), ("fat_g", fat), ("carbohydrate_g", carb)):
        low, high = kcal * low_pct / 100 / KCAL_PER_G[code], kcal * high_pct / 100 / KCAL_PER_G[code]
        reason = f"{low_pct}-{high_pct}% of energy (IOM 2005 AMDR for {group})"
        target = (low + high) / 2
        if code == "protein_g":
            if profile.life_stage != "none":
                per_kg = PROTEIN_RDA_PREGNANT_LACTATING
            else:
                per_kg = _by_age(PROTEIN_RDA_G_PER_KG, profile.age)[1]
            rda = per_kg * profile.weight_kg
            target = min(max(low, rda), high)
            reason += f"; at least the RDA of {per_kg} g per kg body weight ({rda:.0f} g)"
        targets[code] = _target(nutrients, code, target, low=low, high=high, reason=reason + ".")
    return targets


def _target(nutrients: dict[str, Nutrient], code: str, target, **kwargs) -> Target:
    nutrient = nutrients.get(code)
    name = nutrient.name if nutrient else code
    unit = nutrient.unit if nutrient else ""
    return Target(code=code, name=name, unit=unit, target=target, focus=code in RLS_NUTRIENTS, **kwargs)


UPPER_SCOPE_NOTES = {
    "supplements": "The upper limit of {ul} applies to supplements and medicines only, not to food, so food {name} "
    "has no upper limit here.",
    "synthetic": "The upper limit of {ul} applies to synthetic folic acid only, so it is enforced on folic acid, "
    "not on folate from food.",
}


def _reference_target(code: str, intake, nutrients, deficiencies, assessment=None, ticked=()) -> Target:
    """A DRI nutrient: the adjusted RDA/AI, raised for a deficiency, never above the UL that applies to food."""
    unit = intake.unit
    value = intake.amount
    reason = intake.explanation
    deficiency = next((d for d, c in DEFICIENCY_NUTRIENT.items() if c == code), None)
    name = nutrients[code].name if code in nutrients else code
    label = name[0].lower() + name[1:]
    if deficiency in deficiencies:
        raised = value * DEFICIENCY_FACTOR
        why = "; ".join(deficiencies[deficiency])
        reason += f" Raised x{DEFICIENCY_FACTOR:g} to {raised:.1f} {unit} for {label}: {why}."
        value = raised
    elif assessment and deficiency in assessment.blocks:
        although = f" although you ticked {label}" if deficiency in ticked else ""
        reason += f" Not raised{although}: {assessment.blocks[deficiency]}."
    if assessment and deficiency in assessment.unchanged:
        said = "; ".join(assessment.unchanged[deficiency])
        reason += f" Your results: {said[0].upper()}{said[1:]}."
    upper = intake.upper_limit if intake.upper_applies_to_food else None
    if upper is not None and value > UL_HEADROOM * upper:
        value = UL_HEADROOM * upper
        reason += (
            f" Capped at {value:.1f} {unit}, {UL_HEADROOM:.0%} of the upper limit of {upper:g} {unit}, "
            "because food should not go past it; ask a clinician whether you need more."
        )
    if intake.upper_limit is not None and intake.upper_scope in UPPER_SCOPE_NOTES:
        name = nutrients[code].name.lower() if code in nutrients else code
        reason += " " + UPPER_SCOPE_NOTES[intake.upper_scope].format(ul=f"{intake.upper_limit:g} {unit}", name=name)
    return _target(nutrients, code, value, upper=upper, upper_is_ul=upper is not None, reason=reason.strip())


def daily_targets(profile: PlanProfile) -> dict[str, Target]:
    """Targets for every nutrient code, in display order."""
    nutrients = {n.code: n for n in Nutrient.objects.all()}
    assessment = lab_assessment(profile)
    deficiencies = deficiencies_with_reasons(profile, assessment)
    kcal, energy_reason = energy_kcal(profile)
    targets: dict[str, Target] = {"energy_kcal": _target(nutrients, "energy_kcal", kcal, reason=energy_reason)}
    targets.update(_macro_targets(profile, kcal, nutrients))
    dris = intakes.adjusted_intake(profile.age, profile.sex, profile.life_stage, profile.diet, profile.smoker)
    for code, intake in dris.items():
        targets[code] = _reference_target(code, intake, nutrients, deficiencies, assessment, profile.deficiencies)
    targets["fiber_g"] = _target(
        nutrients,
        "fiber_g",
        kcal / 1000 * FIBRE_G_PER_1000_KCAL,
        reason=f"{FIBRE_G_PER_1000_KCAL:g} g per 1000 kcal (IOM 2005 Adequate Intake basis); a soft goal.",
    )
    folate = dris["folate_ug_dfe"]
    targets["folic_acid_ug"] = _target(
        nutrients,
        "folic_acid_ug",
        None,
        upper=folate.upper_limit,
        upper_is_ul=folate.upper_limit is not None,
        reason=(
            f"No target of its own: folate counts as DFE. The folate upper limit ({folate.upper_limit:g} µg) applies "
            "to synthetic folic acid from fortified food and supplements, so it is enforced here."
            if folate.upper_limit is not None
            else "No target of its own: folate counts as DFE."
        ),
    )
    sodium = _by_age(SODIUM_CDRR, profile.age)[1]
    targets["sodium_mg"] = _target(
        nutrients,
        "sodium_mg",
        None,
        upper=sodium,
        reason=f"Kept under {sodium} mg, the Chronic Disease Risk Reduction intake for your age (NASEM 2019); "
        "a soft maximum.",
    )
    targets["caffeine_mg"] = _target(
        nutrients,
        "caffeine_mg",
        None,
        reason="No target: caffeine aggravates RLS, so caffeinated food and drink are only planned before midday.",
    )
    targets["alcohol_g"] = _target(
        nutrients,
        "alcohol_g",
        0.0,
        upper=0.0,
        reason="Zero: alcohol aggravates RLS, so it is never planned.",
    )
    for code in nutrients:  # any nutrient added later still gets a row
        targets.setdefault(code, _target(nutrients, code, None, reason="No target set for this nutrient."))
    order = {code: (n.display_order, code) for code, n in nutrients.items()}
    return dict(sorted(targets.items(), key=lambda item: order.get(item[0], (10_000, item[0]))))
