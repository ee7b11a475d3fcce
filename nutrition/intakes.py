"""Look up a person's reference intakes (NIH ODS / National Academies DRIs) and the adjustments the DRIs state.

These are the plain lookups the planner's target calculation calls; nothing here knows about requests or plans.

Pregnancy and lactation are tabled only for ages 14-50. A pregnant or lactating person under 14 uses the 14-18
row and one over 50 the 31-50 row: the nearest group the tables give, rather than no target at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import DIETS, LIFE_STAGE_CHOICES, SEX_CHOICES, IntakeAdjustment, ReferenceIntake

MIN_AGE, MAX_AGE = 1, 120
PREGNANCY_AGES = (14, 50)

KIND_LABELS = {"rda": "RDA", "ai": "AI"}
# What each adjustment condition is called in an explanation.
CONDITION_LABELS = {"vegetarian": "a vegetarian diet", "vegan": "a vegan diet", "smoker": "smoking"}


@dataclass(frozen=True)
class AdjustedIntake:
    """A daily target for one nutrient: the DRI row with any adjustments applied, and why."""

    code: str
    unit: str
    kind: str
    amount: float
    base_amount: float
    upper_limit: float | None
    upper_scope: str
    upper_applies_to_food: bool
    explanation: str
    source: str
    source_urls: tuple[str, ...]


def _check(age, sex: str, life_stage: str) -> None:
    if isinstance(age, bool) or not isinstance(age, int):
        raise ValueError(f"age must be a whole number of years, not {age!r}")
    if not MIN_AGE <= age <= MAX_AGE:
        raise ValueError(
            f"age {age} is outside {MIN_AGE}-{MAX_AGE} years: the reference intakes here start at 1 year "
            "(infants have Adequate Intakes that this app does not plan for)"
        )
    if sex not in dict(SEX_CHOICES):
        raise ValueError(f"sex must be one of {', '.join(dict(SEX_CHOICES))}, not {sex!r}")
    if life_stage not in dict(LIFE_STAGE_CHOICES):
        raise ValueError(f"life_stage must be one of {', '.join(dict(LIFE_STAGE_CHOICES))}, not {life_stage!r}")
    if life_stage != "none" and sex != "female":
        raise ValueError(f"life_stage {life_stage!r} applies only to sex 'female'")


def table_age(age: int, life_stage: str) -> int:
    """The age whose row applies: pregnancy and lactation outside 14-50 use the nearest tabled group."""
    if life_stage == "none":
        return age
    low, high = PREGNANCY_AGES
    return min(max(age, low), high)


def reference_intakes(age: int, sex: str, life_stage: str = "none") -> dict[str, ReferenceIntake]:
    """The DRI row for each tabled nutrient that applies to this person, keyed by nutrient code, display order."""
    _check(age, sex, life_stage)
    lookup_age = table_age(age, life_stage)
    rows = (
        ReferenceIntake.objects.filter(sex=sex, life_stage=life_stage, age_min__lte=lookup_age, age_max__gte=lookup_age)
        .select_related("nutrient")
        .order_by("nutrient__display_order", "nutrient__code")
    )
    return {row.nutrient.code: row for row in rows}


def adjustment_conditions(diet: str, smoker: bool) -> list[str]:
    if diet not in DIETS:
        raise ValueError(f"diet must be one of {', '.join(DIETS)}, not {diet!r}")
    conditions = [diet] if diet in ("vegetarian", "vegan") else []
    return conditions + (["smoker"] if smoker else [])


def adjustments_for(diet: str, smoker: bool) -> dict[str, list[IntakeAdjustment]]:
    """The stated adjustments for this diet and smoking status, keyed by nutrient code.

    A vegan gets the vegan row only (not vegetarian as well), so the 1.8 factor is never applied twice.
    """
    conditions = adjustment_conditions(diet, smoker)
    found: dict[str, list[IntakeAdjustment]] = {}
    rows = IntakeAdjustment.objects.filter(condition__in=conditions).select_related("nutrient")
    for row in sorted(rows, key=lambda r: (r.nutrient.code, conditions.index(r.condition))):
        found.setdefault(row.nutrient.code, []).append(row)
    return found


def group_label(row: ReferenceIntake) -> str:
    """How the DRI tables name the group: "women 19-30", "children 4-8", "pregnancy 14-18", "men 71+"."""
    ages = f"{row.age_min}+" if row.age_max >= MAX_AGE else f"{row.age_min}-{row.age_max}"
    if row.life_stage == "pregnant":
        return f"pregnancy {ages}"
    if row.life_stage == "lactating":
        return f"lactation {ages}"
    if row.age_max <= 8:
        return f"children {ages}"
    if row.age_max <= 18:
        return f"{'girls' if row.sex == 'female' else 'boys'} {ages}"
    return f"{'women' if row.sex == 'female' else 'men'} {ages}"


def _amount(value: float, unit: str) -> str:
    return f"{value:g} {unit}"


def adjusted_intake(age: int, sex: str, life_stage: str, diet: str, smoker: bool) -> dict[str, AdjustedIntake]:
    """Each nutrient's daily target with the DRI adjustments applied and a sentence saying how it was reached."""
    adjustments = adjustments_for(diet, smoker)
    result = {}
    for code, row in reference_intakes(age, sex, life_stage).items():
        unit = row.nutrient.unit
        amount = row.amount
        steps = [f"{KIND_LABELS[row.kind]} for {group_label(row)} is {_amount(row.amount, unit)}"]
        urls = [row.source_url]
        sources = [row.source]
        for adjustment in adjustments.get(code, []):
            amount = round(adjustment.apply(amount), 2)
            reason = CONDITION_LABELS[adjustment.condition]
            if adjustment.multiplier != 1:
                steps.append(f"x{adjustment.multiplier:g} for {reason} ({adjustment.explanation})")
            if adjustment.addend:
                steps.append(f"+{_amount(adjustment.addend, unit)} for {reason} ({adjustment.explanation})")
            sources.append(adjustment.source)
            urls.append(adjustment.source_url)
        explanation = "; ".join(steps)
        if amount != row.amount:
            explanation += f" = {_amount(amount, unit)}"
        if row.upper_applies_to_food and amount > row.upper_limit:
            explanation += (
                f". That is above the upper limit of {_amount(row.upper_limit, unit)}: food alone should not be "
                "pushed past it; talk to a clinician about what is right for you"
            )
        result[code] = AdjustedIntake(
            code=code,
            unit=unit,
            kind=row.kind,
            amount=amount,
            base_amount=row.amount,
            upper_limit=row.upper_limit,
            upper_scope=row.upper_scope,
            upper_applies_to_food=row.upper_applies_to_food,
            explanation=f"{explanation}. Source: {'; '.join(dict.fromkeys(sources))}.",
            source="; ".join(dict.fromkeys(sources)),
            source_urls=tuple(dict.fromkeys(urls)),
        )
    return result
