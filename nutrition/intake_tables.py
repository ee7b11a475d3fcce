"""The hand-kept reference intake tables (nutrition/curation/*.csv) turned into fixture records.

The CSVs are copied by hand from the NIH Office of Dietary Supplements fact sheets, which reproduce the
National Academies DRI tables. This module checks them hard before anything is written: every row names a
known nutrient and cites its source, numbers parse, and for each nutrient the groups cover ages 1-120 for both
sexes and pregnancy/lactation 14-50 exactly once (no gaps, no overlaps). Any problem names the file, row and
field, and no fixture is written. Nothing here touches the database.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

from django.conf import settings

CURATION_DIR = Path(__file__).resolve().parent / "curation"
INTAKES_CSV = CURATION_DIR / "reference_intakes.csv"
ADJUSTMENTS_CSV = CURATION_DIR / "intake_adjustments.csv"
NUTRIENTS_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "nutrients.json"
INTAKES_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "reference_intakes.json"

INTAKE_FIELDS = [
    "nutrient",
    "sex",
    "life_stage",
    "age_min",
    "age_max",
    "kind",
    "amount",
    "upper_limit",
    "upper_scope",
    "source",
    "source_url",
]
ADJUSTMENT_FIELDS = ["nutrient", "condition", "multiplier", "addend", "explanation", "source", "source_url"]

SEXES = ("female", "male")
LIFE_STAGES = ("none", "pregnant", "lactating")
KINDS = ("rda", "ai")
UPPER_SCOPES = ("all", "supplements", "synthetic", "none")
CONDITIONS = ("vegetarian", "vegan", "smoker")

# The ages each (sex, life stage) must cover, inclusive. Pregnancy and lactation are tabled for 14-50.
REQUIRED_AGES = {
    ("female", "none"): (1, 120),
    ("male", "none"): (1, 120),
    ("female", "pregnant"): (14, 50),
    ("female", "lactating"): (14, 50),
}


class IntakeTableError(Exception):
    """The tables have problems; `problems` lists each one, naming file, row and field."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def nutrient_codes(path: Path = NUTRIENTS_FIXTURE) -> set[str]:
    return {record["fields"]["code"] for record in json.loads(Path(path).read_text(encoding="utf-8"))}


def _read_rows(path: Path, fields: list[str], problems: list[str]) -> list[tuple[int, dict]]:
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [f for f in fields if f not in (reader.fieldnames or [])]
        if missing:
            problems.append(f"{path.name}: missing column(s) {', '.join(missing)}")
            return []
        return [(line, row) for line, row in enumerate(reader, start=2)]


def _number(row: dict, field: str, where: str, problems: list[str], *, optional=False, integer=False):
    text = (row.get(field) or "").strip()
    if not text:
        if not optional:
            problems.append(f"{where}: {field} is empty")
        return None
    try:
        value = int(text) if integer else float(text)
    except ValueError:
        problems.append(f"{where}: {field} {text!r} is not a {'whole ' if integer else ''}number")
        return None
    if not integer and (not math.isfinite(value) or value < 0):
        problems.append(f"{where}: {field} {text!r} must be a non-negative number")
        return None
    return value


def _choice(row: dict, field: str, choices, where: str, problems: list[str]) -> str:
    value = (row.get(field) or "").strip()
    if value not in choices:
        problems.append(f"{where}: {field} {value!r} is not one of {', '.join(choices)}")
    return value


def _cited(row: dict, where: str, problems: list[str]) -> tuple[str, str]:
    source, url = (row.get("source") or "").strip(), (row.get("source_url") or "").strip()
    if not source:
        problems.append(f"{where}: source is empty (every value must cite its table)")
    if not url.startswith("https://"):
        problems.append(f"{where}: source_url {url!r} is not an https:// address")
    return source, url


def intake_records(path: Path, codes: set[str], problems: list[str]) -> list[dict]:
    records = []
    for line, row in _read_rows(path, INTAKE_FIELDS, problems):
        where = f"{path.name} row {line}"
        code = _choice(row, "nutrient", sorted(codes), where, problems)
        sex = _choice(row, "sex", SEXES, where, problems)
        stage = _choice(row, "life_stage", LIFE_STAGES, where, problems)
        kind = _choice(row, "kind", KINDS, where, problems)
        scope = _choice(row, "upper_scope", UPPER_SCOPES, where, problems)
        age_min = _number(row, "age_min", where, problems, integer=True)
        age_max = _number(row, "age_max", where, problems, integer=True)
        amount = _number(row, "amount", where, problems)
        upper = _number(row, "upper_limit", where, problems, optional=True)
        source, url = _cited(row, where, problems)
        if age_min is not None and age_max is not None and not 1 <= age_min <= age_max <= 120:
            problems.append(f"{where}: ages {age_min}-{age_max} must satisfy 1 <= age_min <= age_max <= 120")
        if (upper is None) != (scope == "none"):
            problems.append(f"{where}: upper_limit must be empty exactly when upper_scope is 'none'")
        if stage != "none" and sex != "female":
            problems.append(f"{where}: life_stage {stage!r} needs sex 'female'")
        records.append(
            {
                "model": "nutrition.referenceintake",
                "fields": {
                    "nutrient": [code],
                    "sex": sex,
                    "life_stage": stage,
                    "age_min": age_min,
                    "age_max": age_max,
                    "kind": kind,
                    "amount": amount,
                    "upper_limit": upper,
                    "upper_scope": scope,
                    "source": source,
                    "source_url": url,
                },
            }
        )
    return records


def coverage_problems(records: list[dict], codes: set[str]) -> list[str]:
    """Gaps and overlaps: every nutrient tabled must cover each required age range exactly once."""
    problems = []
    by_group: dict[tuple[str, str, str], list[tuple[int, int]]] = {}
    for record in records:
        f = record["fields"]
        if f["age_min"] is None or f["age_max"] is None:
            continue
        by_group.setdefault((f["nutrient"][0], f["sex"], f["life_stage"]), []).append((f["age_min"], f["age_max"]))
    for code in sorted({r["fields"]["nutrient"][0] for r in records} & codes):
        for (sex, stage), (low, high) in REQUIRED_AGES.items():
            counts = {age: 0 for age in range(low, high + 1)}
            for age_min, age_max in by_group.get((code, sex, stage), []):
                for age in range(age_min, age_max + 1):
                    counts[age] = counts.get(age, 0) + 1
            gaps = [a for a, n in counts.items() if n == 0]
            overlaps = [a for a, n in counts.items() if n > 1]
            label = f"{code} {sex}" + ("" if stage == "none" else f" {stage}")
            if gaps:
                problems.append(f"{label}: no row for age(s) {_ranges(gaps)}")
            if overlaps:
                problems.append(f"{label}: more than one row for age(s) {_ranges(overlaps)}")
    return problems


def _ranges(ages: list[int]) -> str:
    """[1, 2, 3, 7] -> "1-3, 7"."""
    spans: list[list[int]] = []
    for age in ages:
        if spans and age == spans[-1][1] + 1:
            spans[-1][1] = age
        else:
            spans.append([age, age])
    return ", ".join(str(low) if low == high else f"{low}-{high}" for low, high in spans)


def adjustment_records(path: Path, codes: set[str], problems: list[str]) -> list[dict]:
    records, seen = [], set()
    for line, row in _read_rows(path, ADJUSTMENT_FIELDS, problems):
        where = f"{path.name} row {line}"
        code = _choice(row, "nutrient", sorted(codes), where, problems)
        condition = _choice(row, "condition", CONDITIONS, where, problems)
        multiplier = _number(row, "multiplier", where, problems)
        addend = _number(row, "addend", where, problems)
        explanation = (row.get("explanation") or "").strip()
        if not explanation:
            problems.append(f"{where}: explanation is empty")
        source, url = _cited(row, where, problems)
        if (code, condition) in seen:
            problems.append(f"{where}: a second row for {code} {condition}")
        seen.add((code, condition))
        records.append(
            {
                "model": "nutrition.intakeadjustment",
                "fields": {
                    "nutrient": [code],
                    "condition": condition,
                    "multiplier": multiplier,
                    "addend": addend,
                    "explanation": explanation,
                    "source": source,
                    "source_url": url,
                },
            }
        )
    return records


def reference_intake_fixture(
    intakes_csv: Path = INTAKES_CSV, adjustments_csv: Path = ADJUSTMENTS_CSV, nutrients: Path = NUTRIENTS_FIXTURE
) -> list[dict]:
    """Fixture records (natural keys, no pks) in a fixed order, or IntakeTableError listing every problem."""
    problems: list[str] = []
    codes = nutrient_codes(nutrients)
    intakes = intake_records(Path(intakes_csv), codes, problems)
    problems += coverage_problems(intakes, codes)
    adjustments = adjustment_records(Path(adjustments_csv), codes, problems)
    if problems:
        raise IntakeTableError(problems)
    stage_order = {stage: i for i, stage in enumerate(LIFE_STAGES)}
    intakes.sort(
        key=lambda r: (
            r["fields"]["nutrient"][0],
            stage_order[r["fields"]["life_stage"]],
            r["fields"]["sex"],
            r["fields"]["age_min"],
        )
    )
    adjustments.sort(key=lambda r: (r["fields"]["nutrient"][0], r["fields"]["condition"]))
    return intakes + adjustments


def fixture_text(records: list[dict]) -> str:
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
