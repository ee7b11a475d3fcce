"""Lab results: the one place for their names, units, conversions and the clinical bands read from them.

Plain Python (no Django) so the profile parser, the targets, the form, the plan notes and the journal all read
labs the same way. Units are converted once, at the boundary, to each lab's canonical unit (today's default
units); every band is a named constant with its source beside it, and `assess` turns a set of canonical values
into the targets to raise, the raises to block and the notes to show, each note naming its source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .input_error import InputError

# --- Sources -------------------------------------------------------------------------------------------------------
AASM_2024 = (
    "Winkelman JW, Berkowski JA, DelRosso LM, et al. Treatment of restless legs syndrome and periodic limb movement "
    "disorder: an American Academy of Sleep Medicine clinical practice guideline. J Clin Sleep Med. "
    "2025;21(1):137-152 (published online 2024). doi:10.5664/jcsm.11390"
)
NIH_ODS_VITAMIN_D = "NIH Office of Dietary Supplements, Vitamin D fact sheet for health professionals"
NIH_ODS_VITAMIN_B12 = "NIH Office of Dietary Supplements, Vitamin B12 fact sheet for health professionals"
NIH_ODS_FOLATE = "NIH Office of Dietary Supplements, Folate fact sheet for health professionals"
NIH_ODS_MAGNESIUM = "NIH Office of Dietary Supplements, Magnesium fact sheet for health professionals"
NIH_ODS_IRON = "NIH Office of Dietary Supplements, Iron fact sheet for health professionals"
MEDLINEPLUS_MAGNESIUM = "MedlinePlus (US National Library of Medicine), Magnesium blood test (normal 1.7-2.2 mg/dL)"
B12_BORDERLINE_SOURCE = (
    "Langan RC, Goodbred AJ. Vitamin B12 deficiency: recognition and management. Am Fam Physician. 2017;96(6):384-389"
)
PREGNANCY_RLS = (
    "Picchietti DL, Hensley JG, Bainbridge JL, et al. Consensus clinical practice guidelines for the diagnosis and "
    "treatment of restless legs syndrome/Willis-Ekbom disease during pregnancy and lactation. Sleep Med Rev. "
    "2015;22:64-77"
)
FOLIC_ACID_ADVICE = NIH_ODS_FOLATE  # 400 µg folic acid a day for anyone who could become pregnant (National Academies)
NINDS_RLS = "NINDS (US National Institute of Neurological Disorders and Stroke), Restless legs syndrome"
MEDLINEPLUS_RLS = "MedlinePlus (US National Library of Medicine), Restless legs"

# --- Bands (canonical units) ---------------------------------------------------------------------------------------
# AASM 2024: iron therapy for RLS is suggested at ferritin <= 75 ng/mL or transferrin saturation < 20%;
# from 75 to 100 ng/mL only IV iron may be considered; above 100 ng/mL or TSAT >= 45% no iron therapy for RLS.
FERRITIN_IRON_THERAPY_MAX = 75.0  # ng/mL, inclusive (AASM 2024)
FERRITIN_IV_ONLY_MAX = 100.0  # ng/mL, inclusive (AASM 2024)
TSAT_IRON_THERAPY_BELOW = 20.0  # %, exclusive (AASM 2024)
TSAT_HIGH_FROM = 45.0  # %, inclusive: no iron for RLS, and ask about iron overload (AASM 2024)
# AASM 2024 pediatric recommendation: iron for children with RLS and ferritin < 50 ng/mL.
CHILD_AGE_BELOW = 18
FERRITIN_CHILD_IRON_THERAPY_BELOW = 50.0  # ng/mL, exclusive (AASM 2024, pediatric)
# Ask a clinician about iron overload (haemochromatosis) before any iron supplement above these (NIH ODS Iron;
# the same cut-offs screening for haemochromatosis uses: ferritin > 200 ng/mL women, > 300 ng/mL men).
FERRITIN_OVERLOAD_ABOVE = {"female": 200.0, "male": 300.0}  # ng/mL, exclusive
# NIH ODS Vitamin D: 25(OH)D < 12 ng/mL (30 nmol/L) deficient; 12-20 ng/mL inadequate for bone and overall
# health; >= 20 ng/mL adequate; > 50 ng/mL (125 nmol/L) linked to potential adverse effects.
VITAMIN_D_DEFICIENT_BELOW = 12.0  # ng/mL
VITAMIN_D_ADEQUATE_FROM = 20.0  # ng/mL
VITAMIN_D_HIGH_ABOVE = 50.0  # ng/mL
# Serum magnesium below 1.7 mg/dL is below the normal range (MedlinePlus: 1.7-2.2 mg/dL).
MAGNESIUM_LOW_BELOW = 1.7  # mg/dL
# Serum B12 < 200 pg/mL low; 200-300 pg/mL borderline, where a methylmalonic acid test tells (Langan 2017, whose
# borderline band reaches 400 pg/mL; we flag the lower part of it, as the issue asks).
VITAMIN_B12_LOW_BELOW = 200.0  # pg/mL
VITAMIN_B12_BORDERLINE_MAX = 300.0  # pg/mL, inclusive
# Serum folate above 3 ng/mL indicates adequate status (NIH ODS Folate); below it is low.
FOLATE_LOW_BELOW = 3.0  # ng/mL

# Conversions to the canonical unit, from the units labs print.
B12_PMOL_L_PER_PG_ML = 0.738
FOLATE_NMOL_L_PER_NG_ML = 2.266
VITAMIN_D_NMOL_L_PER_NG_ML = 2.496
MAGNESIUM_MMOL_L_PER_MG_DL = 0.4114
MAGNESIUM_MEQ_L_PER_MMOL_L = 2.0

# The units we accept, as we spell them; `normalise_unit` maps what people type onto these.
UNITS = ("ng/mL", "ug/L", "%", "pg/mL", "pmol/L", "nmol/L", "mg/dL", "mmol/L", "mEq/L")
UNIT_LABELS = {"ug/L": "µg/L"}  # how a unit is shown to people


class LabError(InputError):
    """A lab entry that cannot be read (an unknown lab, or a unit that is not one or does not fit the lab)."""


@dataclass(frozen=True)
class Lab:
    name: str
    label: str
    canonical_unit: str
    units: Mapping[str, float]  # accepted unit -> factor: canonical value = value x factor
    plausible: tuple[float, float]  # lowest and highest plausible value, canonical units
    legacy_key: str  # the profile key from before units (value in the canonical unit)
    deficiency: str  # the deficiency a low value implies (a key of `planner.profiles.DEFICIENCIES`)

    def unit_label(self, unit: str | None = None) -> str:
        unit = unit or self.canonical_unit
        return UNIT_LABELS.get(unit, unit)


LABS: dict[str, Lab] = {
    lab.name: lab
    for lab in (
        Lab("ferritin", "Ferritin", "ng/mL", {"ng/mL": 1.0, "ug/L": 1.0}, (0.0, 5000.0), "ferritin_ng_ml", "iron"),
        Lab(
            "transferrin_saturation",
            "Transferrin saturation",
            "%",
            {"%": 1.0},
            (0.0, 100.0),
            "transferrin_saturation_pct",
            "iron",
        ),
        Lab(
            "vitamin_b12",
            "Vitamin B12",
            "pg/mL",
            {"pg/mL": 1.0, "pmol/L": 1 / B12_PMOL_L_PER_PG_ML},
            (0.0, 5000.0),
            "vitamin_b12_pg_ml",
            "vitamin_b12",
        ),
        Lab(
            "folate",
            "Serum folate",
            "ng/mL",
            {"ng/mL": 1.0, "nmol/L": 1 / FOLATE_NMOL_L_PER_NG_ML},
            (0.0, 100.0),
            "folate_ng_ml",
            "folate",
        ),
        Lab(
            "vitamin_d_25oh",
            "25-hydroxyvitamin D",
            "ng/mL",
            {"ng/mL": 1.0, "nmol/L": 1 / VITAMIN_D_NMOL_L_PER_NG_ML},
            (0.0, 300.0),
            "vitamin_d_25oh_ng_ml",
            "vitamin_d",
        ),
        Lab(
            "magnesium",
            "Serum magnesium",
            "mg/dL",
            {
                "mg/dL": 1.0,
                "mmol/L": 1 / MAGNESIUM_MMOL_L_PER_MG_DL,
                "mEq/L": 1 / (MAGNESIUM_MEQ_L_PER_MMOL_L * MAGNESIUM_MMOL_L_PER_MG_DL),
            },
            (0.0, 10.0),
            "magnesium_mg_dl",
            "magnesium",
        ),
    )
}
LAB_NAMES = ("ferritin", "transferrin_saturation", "vitamin_b12", "folate", "vitamin_d_25oh", "magnesium")
assert tuple(LABS) == LAB_NAMES
BY_LEGACY_KEY = {lab.legacy_key: lab for lab in LABS.values()}

_UNIT_BY_FOLDED = {unit.casefold(): unit for unit in UNITS}
_UNIT_BY_FOLDED.update({"µg/l": "ug/L", "mcg/l": "ug/L", "meq/l": "mEq/L", "percent": "%"})


def normalise_unit(text: str, field: str = "unit") -> str:
    """One of `UNITS` for what a person typed: "ng/ml", "µg/L", "μg/l", "ug/L" and "mcg/L" are all understood."""
    if not isinstance(text, str):
        raise LabError(field, f"{text!r} is not a unit; use one of {', '.join(UNITS)}")
    folded = "".join(text.split()).replace("\u00b5", "u").replace("\u03bc", "u").casefold()
    try:
        return _UNIT_BY_FOLDED[folded]
    except KeyError:
        raise LabError(field, f"{text!r} is not a unit we know; use one of {', '.join(UNITS)}") from None


def lab(name: str, field: str | None = None) -> Lab:
    """The lab called `name` (or by its legacy key); `LabError` naming `field` otherwise."""
    found = LABS.get(name) or BY_LEGACY_KEY.get(name)
    if found is None:
        raise LabError(field or name, f"is not a known lab; use any of {', '.join(LAB_NAMES)}")
    return found


def _factor(name: str, unit: str, field: str | None) -> tuple[Lab, float]:
    found = lab(name, field)
    field = field or name
    canonical = normalise_unit(unit, f"{field}.unit")
    if canonical not in found.units:
        fits = ", ".join(found.unit_label(u) for u in found.units)
        raise LabError(f"{field}.unit", f"{found.unit_label(canonical)} does not fit {found.label.lower()}; use {fits}")
    return found, found.units[canonical]


def _tidy(value: float) -> float:
    """Ten significant digits: a value converted there and back lands on the same band edge (20 ng/mL, not 19.99..)."""
    return float(f"{value:.10g}")


def to_canonical(name: str, value: float, unit: str, *, field: str | None = None) -> float:
    """`value` in `unit` as the lab's canonical unit (ferritin in ng/mL, magnesium in mg/dL, ...)."""
    _lab, factor = _factor(name, unit, field)
    return _tidy(value * factor)


def from_canonical(name: str, value: float, unit: str, *, field: str | None = None) -> float:
    """A canonical value shown in another accepted `unit`."""
    _lab, factor = _factor(name, unit, field)
    return _tidy(value / factor)


# --- Bands ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Band:
    """Where one value falls: `raises` the deficiency's target, `blocks` a raise, and the words to say why."""

    lab: str
    key: str  # a short name for the band, e.g. "iron_therapy", "iv_only", "no_iron_therapy"
    text: str  # the reason, naming its source, e.g. "your ferritin is 60 ng/mL, at or below 75 ng/mL, ..."
    source: str
    raises: bool = False
    blocks: bool = False


def _g(value: float) -> str:
    return f"{value:.3g}" if value < 10 else f"{value:.0f}" if value >= 100 else f"{value:.1f}".removesuffix(".0")


def is_child(age: int | None) -> bool:
    return age is not None and age < CHILD_AGE_BELOW


def ferritin_band(value: float, *, age: int | None = None, life_stage: str = "none") -> Band:
    """Ferritin (ng/mL) against the AASM 2024 bands; under 18 the pediatric threshold of 50 ng/mL."""
    said = f"your ferritin is {_g(value)} ng/mL"
    if value > FERRITIN_IV_ONLY_MAX:
        return Band(
            "ferritin",
            "no_iron_therapy",
            f"{said}, above {FERRITIN_IV_ONLY_MAX:g} ng/mL, where the AASM 2024 guideline does not suggest iron "
            "therapy for RLS, so the iron target is not raised",
            AASM_2024,
            blocks=True,
        )
    if is_child(age):
        if value < FERRITIN_CHILD_IRON_THERAPY_BELOW:
            return Band(
                "ferritin",
                "iron_therapy",
                f"{said}, below {FERRITIN_CHILD_IRON_THERAPY_BELOW:g} ng/mL, the level below which the AASM 2024 "
                "guideline suggests iron for children with RLS",
                AASM_2024,
                raises=True,
            )
        return Band(
            "ferritin",
            "above_child_threshold",
            f"{said}, at or above {FERRITIN_CHILD_IRON_THERAPY_BELOW:g} ng/mL, the AASM 2024 guideline's threshold "
            "for children, so the iron target is not raised for RLS",
            AASM_2024,
        )
    if value <= FERRITIN_IRON_THERAPY_MAX:
        return Band(
            "ferritin",
            "iron_therapy",
            f"{said}, at or below {FERRITIN_IRON_THERAPY_MAX:g} ng/mL, below the level at which the AASM 2024 "
            "guideline suggests iron therapy for RLS",
            AASM_2024,
            raises=True,
        )
    caveat = " (in pregnancy, only after the first trimester)" if life_stage == "pregnant" else ""
    return Band(
        "ferritin",
        "iv_only",
        f"{said}, between {FERRITIN_IRON_THERAPY_MAX:g} and {FERRITIN_IV_ONLY_MAX:g} ng/mL: the AASM 2024 guideline "
        f"suggests only IV iron may be considered here{caveat}; ask your clinician",
        AASM_2024,
    )


def tsat_band(value: float, *, age: int | None = None) -> Band:
    """Transferrin saturation (%) against the AASM 2024 bands (< 20% iron therapy; >= 45% none)."""
    said = f"your transferrin saturation is {_g(value)}%"
    if value >= TSAT_HIGH_FROM:
        return Band(
            "transferrin_saturation",
            "no_iron_therapy",
            f"{said}, at or above {TSAT_HIGH_FROM:g}%, where the AASM 2024 guideline does not suggest iron therapy "
            "for RLS, so the iron target is not raised",
            AASM_2024,
            blocks=True,
        )
    if value < TSAT_IRON_THERAPY_BELOW and not is_child(age):
        return Band(
            "transferrin_saturation",
            "iron_therapy",
            f"{said}, below {TSAT_IRON_THERAPY_BELOW:g}%, below the level at which the AASM 2024 guideline suggests "
            "iron therapy for RLS",
            AASM_2024,
            raises=True,
        )
    return Band("transferrin_saturation", "normal", f"{said}", AASM_2024)


def vitamin_d_band(value: float) -> Band:
    """25(OH)D (ng/mL) against NIH ODS: < 12 deficient, 12-20 inadequate (both raise), > 50 high."""
    nmol = value * VITAMIN_D_NMOL_L_PER_NG_ML
    said = f"your 25-hydroxyvitamin D is {_g(value)} ng/mL ({_g(nmol)} nmol/L)"
    if value < VITAMIN_D_DEFICIENT_BELOW:
        return Band(
            "vitamin_d_25oh",
            "deficient",
            f"{said}, below {VITAMIN_D_DEFICIENT_BELOW:g} ng/mL, which NIH ODS calls deficient",
            NIH_ODS_VITAMIN_D,
            raises=True,
        )
    if value < VITAMIN_D_ADEQUATE_FROM:
        return Band(
            "vitamin_d_25oh",
            "inadequate",
            f"{said}, from {VITAMIN_D_DEFICIENT_BELOW:g} to under {VITAMIN_D_ADEQUATE_FROM:g} ng/mL, which NIH ODS "
            "calls inadequate",
            NIH_ODS_VITAMIN_D,
            raises=True,
        )
    if value > VITAMIN_D_HIGH_ABOVE:
        return Band(
            "vitamin_d_25oh",
            "high",
            f"{said}, above {VITAMIN_D_HIGH_ABOVE:g} ng/mL, which NIH ODS links to potential adverse effects, so the "
            "vitamin D target is not raised",
            NIH_ODS_VITAMIN_D,
            blocks=True,
        )
    return Band("vitamin_d_25oh", "adequate", f"{said}, adequate by NIH ODS", NIH_ODS_VITAMIN_D)


def vitamin_b12_band(value: float) -> Band:
    """Serum B12 (pg/mL): < 200 low (raise), 200-300 borderline (no raise)."""
    said = f"your vitamin B12 is {_g(value)} pg/mL ({_g(value * B12_PMOL_L_PER_PG_ML)} pmol/L)"
    if value < VITAMIN_B12_LOW_BELOW:
        return Band(
            "vitamin_b12",
            "low",
            f"{said}, below {VITAMIN_B12_LOW_BELOW:g} pg/mL, which is low (Langan 2017)",
            B12_BORDERLINE_SOURCE,
            raises=True,
        )
    if value <= VITAMIN_B12_BORDERLINE_MAX:
        return Band(
            "vitamin_b12",
            "borderline",
            f"{said}, borderline ({VITAMIN_B12_LOW_BELOW:g}-{VITAMIN_B12_BORDERLINE_MAX:g} pg/mL, Langan 2017)",
            B12_BORDERLINE_SOURCE,
        )
    return Band("vitamin_b12", "normal", said, NIH_ODS_VITAMIN_B12)


def folate_band(value: float) -> Band:
    said = f"your serum folate is {_g(value)} ng/mL ({_g(value * FOLATE_NMOL_L_PER_NG_ML)} nmol/L)"
    if value < FOLATE_LOW_BELOW:
        return Band(
            "folate",
            "low",
            f"{said}, below {FOLATE_LOW_BELOW:g} ng/mL, which is low (NIH ODS)",
            NIH_ODS_FOLATE,
            raises=True,
        )
    return Band("folate", "normal", said, NIH_ODS_FOLATE)


def magnesium_band(value: float) -> Band:
    said = f"your serum magnesium is {_g(value)} mg/dL ({_g(value * MAGNESIUM_MMOL_L_PER_MG_DL)} mmol/L)"
    if value < MAGNESIUM_LOW_BELOW:
        return Band(
            "magnesium",
            "low",
            f"{said}, below {MAGNESIUM_LOW_BELOW:g} mg/dL, the bottom of the normal range (MedlinePlus)",
            MEDLINEPLUS_MAGNESIUM,
            raises=True,
        )
    return Band("magnesium", "normal", said, MEDLINEPLUS_MAGNESIUM)


def band(name: str, value: float, *, age: int | None = None, life_stage: str = "none") -> Band:
    """The band of a canonical value of lab `name`."""
    if name == "ferritin":
        return ferritin_band(value, age=age, life_stage=life_stage)
    if name == "transferrin_saturation":
        return tsat_band(value, age=age)
    return {
        "vitamin_d_25oh": vitamin_d_band,
        "vitamin_b12": vitamin_b12_band,
        "folate": folate_band,
        "magnesium": magnesium_band,
    }[lab(name).name](value)


# --- Assessment ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Note:
    key: str  # stable name, e.g. "iron_overload", "b12_absorption"
    text: str
    source: str


@dataclass(frozen=True)
class LabAssessment:
    raises: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # deficiency -> reasons from the labs
    blocks: Mapping[str, str] = field(default_factory=dict)  # deficiency -> why it must not be raised
    # deficiency -> what the labs that neither raise nor block say (e.g. ferritin 60 in a child, B12 borderline)
    unchanged: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    notes: tuple[Note, ...] = ()
    bands: Mapping[str, Band] = field(default_factory=dict)  # lab name -> its band

    @property
    def absorption_tips_allowed(self) -> bool:
        """False when iron must not be pushed up (high ferritin or saturation): no tips to absorb more iron."""
        return "iron" not in self.blocks


def _clinician_notes(bands: Mapping[str, Band]) -> list[Note]:
    notes = []
    key = {name: b.key for name, b in bands.items()}
    if key.get("vitamin_b12") == "low":
        notes.append(
            Note(
                "b12_absorption",
                "Vitamin B12: a low B12 is often a problem of absorption (pernicious anaemia, metformin, acid-reducing "
                "drugs such as proton pump inhibitors) rather than of diet, so food alone may not correct it; a "
                "clinician should find the cause and may advise injections or high-dose tablets (NIH ODS Vitamin B12).",
                NIH_ODS_VITAMIN_B12,
            )
        )
    if key.get("vitamin_b12") == "borderline":
        notes.append(
            Note(
                "b12_borderline",
                "Vitamin B12: your result is borderline (200-300 pg/mL); ask your clinician whether a methylmalonic "
                "acid (MMA) test is needed to tell whether you are short of B12 (Langan 2017; NIH ODS Vitamin B12).",
                B12_BORDERLINE_SOURCE,
            )
        )
    if key.get("folate") == "low":
        notes.append(
            Note(
                "folate_check_b12",
                "Folate: have your vitamin B12 checked before taking folic acid; folic acid can hide the anaemia of a "
                "B12 deficiency while the nerve damage goes on (NIH ODS Folate).",
                NIH_ODS_FOLATE,
            )
        )
    if key.get("magnesium") == "low":
        notes.append(
            Note(
                "magnesium_cause",
                "Magnesium: a low blood magnesium has a cause that should be found (for example diarrhoea, diuretics, "
                "acid-reducing drugs, alcohol, diabetes); ask your clinician before relying on food or a supplement "
                "(NIH ODS Magnesium).",
                NIH_ODS_MAGNESIUM,
            )
        )
    if key.get("vitamin_d_25oh") in ("deficient", "inadequate"):
        notes.append(
            Note(
                "vitamin_d_supplement",
                "Vitamin D: few foods contain much vitamin D, so a low level is rarely put right by food alone; ask "
                "your clinician about a vitamin D supplement and a retest (NIH ODS Vitamin D).",
                NIH_ODS_VITAMIN_D,
            )
        )
    if key.get("vitamin_d_25oh") == "high":
        notes.append(
            Note(
                "vitamin_d_high",
                "Vitamin D: your level is above 50 ng/mL (125 nmol/L), which NIH ODS links to potential adverse "
                "effects; ask your clinician before taking any vitamin D supplement.",
                NIH_ODS_VITAMIN_D,
            )
        )
    return notes


def _iron_notes(
    bands: Mapping[str, Band], labs: Mapping[str, float], *, age: int | None, sex: str | None, life_stage: str
) -> list[Note]:
    notes = []
    iron_bands = [b for name, b in bands.items() if name in ("ferritin", "transferrin_saturation")]
    iron_blocked = any(b.blocks for b in iron_bands)
    ferritin = labs.get("ferritin")
    tsat = labs.get("transferrin_saturation")
    overload_at = FERRITIN_OVERLOAD_ABOVE.get(sex or "", min(FERRITIN_OVERLOAD_ABOVE.values()))
    reasons = []
    if ferritin is not None and ferritin > overload_at:
        reasons.append(f"ferritin {_g(ferritin)} ng/mL is above {overload_at:g} ng/mL")
    if tsat is not None and tsat >= TSAT_HIGH_FROM:
        reasons.append(f"transferrin saturation {_g(tsat)}% is at or above {TSAT_HIGH_FROM:g}%")
    if reasons:
        notes.append(
            Note(
                "iron_overload",
                f"Iron: your {' and '.join(reasons)}. Ask a clinician about iron overload (haemochromatosis) before "
                "taking any iron supplement. The plan does not raise iron and gives no tips to absorb more of it "
                "(AASM 2024; NIH ODS Iron).",
                AASM_2024,
            )
        )
    elif iron_blocked:
        notes.append(
            Note(
                "iron_no_raise",
                "Iron: your results are above the range where the AASM 2024 guideline suggests iron therapy for RLS, "
                "so the plan keeps iron at the usual intake and gives no tips to absorb more of it.",
                AASM_2024,
            )
        )
    raising = [b for b in iron_bands if b.raises]
    if raising and not iron_blocked:
        caveat = (
            " In pregnancy, IV iron is considered only after the first trimester." if life_stage == "pregnant" else ""
        )
        if is_child(age):
            text = (
                "Iron: your child's ferritin is below 50 ng/mL, where the AASM 2024 guideline suggests iron for "
                "children with RLS. Food helps; ask your child's clinician before giving any iron supplement, and "
                "about a recheck of ferritin."
            )
        else:
            text = (
                "Iron: your results are below the level at which the AASM 2024 guideline suggests iron therapy for "
                "RLS. Food helps, but ask a clinician about iron tablets or IV iron, and about a recheck of ferritin "
                f"and transferrin saturation.{caveat}"
            )
        notes.append(Note("iron_therapy", text, AASM_2024))
    iv_only = bands.get("ferritin")
    if iv_only is not None and iv_only.key == "iv_only" and not raising:
        notes.append(Note("iron_iv_only", f"Iron: {iv_only.text[0].upper()}{iv_only.text[1:]}.", AASM_2024))
    return notes


def pregnancy_notes(life_stage: str) -> list[Note]:
    """What a pregnant person should know about RLS, iron and folic acid (shown with or without labs)."""
    if life_stage != "pregnant":
        return []
    return [
        Note(
            "pregnancy_iv_iron",
            "Pregnancy: IV iron for RLS is considered only after the first trimester; oral iron is the first step "
            "when ferritin is low (Picchietti 2015 pregnancy consensus; AASM 2024).",
            PREGNANCY_RLS,
        ),
        Note(
            "pregnancy_folic_acid",
            "Pregnancy: 400 µg of folic acid a day, from a supplement or fortified food on top of food folate, is "
            "advised for anyone who could become pregnant and in early pregnancy (NIH ODS Folate).",
            FOLIC_ACID_ADVICE,
        ),
        Note(
            "pregnancy_rls_eases",
            "Pregnancy: RLS that starts or worsens in late pregnancy usually eases within weeks of the birth "
            "(Picchietti 2015 pregnancy consensus).",
            PREGNANCY_RLS,
        ),
    ]


def assess(
    labs_canonical: Mapping[str, float] | None,
    *,
    age: int | None = None,
    sex: str | None = None,
    life_stage: str = "none",
) -> LabAssessment:
    """Bands, raises, blocks and notes for canonical lab values keyed by lab name (or legacy key)."""
    values = {lab(name).name: float(value) for name, value in (labs_canonical or {}).items() if value is not None}
    bands = {name: band(name, value, age=age, life_stage=life_stage) for name, value in values.items()}
    raises: dict[str, list[str]] = {}
    blocks: dict[str, str] = {}
    unchanged: dict[str, list[str]] = {}
    for name in LAB_NAMES:
        b = bands.get(name)
        if b is None:
            continue
        deficiency = LABS[name].deficiency
        if b.blocks:
            blocks[deficiency] = f"{blocks[deficiency]}; {b.text}" if deficiency in blocks else b.text
        elif b.raises:
            raises.setdefault(deficiency, []).append(b.text)
        else:
            unchanged.setdefault(deficiency, []).append(b.text)
    for deficiency in blocks:
        raises.pop(deficiency, None)
    notes = _iron_notes(bands, values, age=age, sex=sex, life_stage=life_stage) + _clinician_notes(bands)
    return LabAssessment(
        raises={d: tuple(r) for d, r in raises.items()},
        blocks=blocks,
        unchanged={d: tuple(texts) for d, texts in unchanged.items() if d not in blocks},
        notes=tuple(notes),
        bands=bands,
    )
