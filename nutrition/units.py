"""Units at the boundary: body weight and height in US units to metric, and food amounts as US household
measures (cups, tablespoons, teaspoons, ounces) from USDA SR portion weights.

Everything is stored metric (kg, cm, grams); US units are for input and display only. The factors are the
exact definitions (NIST Handbook 44, Appendix C): 1 lb = 0.45359237 kg, 1 in = 2.54 cm, 1 oz = 28.349523125 g;
1 cup = 16 tablespoons = 48 teaspoons. A food's grams per cup come from its SR portions (WEIGHT.txt), never
from a density we assume: a food without a volume portion is shown by weight (ounces) or by its own
portions ("2 slices").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

KG_PER_POUND = 0.45359237
CM_PER_INCH = 2.54
INCHES_PER_FOOT = 12
GRAMS_PER_OUNCE = 28.349523125
OUNCES_PER_POUND = 16
UNITS = ("metric", "us")

# Volume words in SR portion descriptions, as parts of a cup.
_VOLUMES = (
    (re.compile(r"^(cups?|c)\b", re.IGNORECASE), Fraction(1)),
    (re.compile(r"^(tablespoons?|tbsp)\b", re.IGNORECASE), Fraction(1, 16)),
    (re.compile(r"^(teaspoons?|tsp)\b", re.IGNORECASE), Fraction(1, 48)),
    (re.compile(r"^fl oz\b", re.IGNORECASE), Fraction(1, 8)),
)
_FRACTIONS = {0: "", 1: "¼", 2: "½", 3: "¾"}


def pounds_to_kg(pounds: float) -> float:
    """Kilograms to the gram."""
    return round(pounds * KG_PER_POUND, 3)


def kg_to_pounds(kg: float) -> float:
    return kg / KG_PER_POUND


def feet_inches_to_cm(feet: float, inches: float = 0.0) -> float:
    """Centimetres to the tenth of a millimetre."""
    return round((feet * INCHES_PER_FOOT + inches) * CM_PER_INCH, 2)


def cm_to_feet_inches(cm: float) -> tuple[int, float]:
    """(whole feet, inches to the tenth) for a height."""
    inches = round(cm / CM_PER_INCH, 1)
    feet = int(inches // INCHES_PER_FOOT)
    return feet, round(inches - feet * INCHES_PER_FOOT, 1)


def grams_to_ounces(grams: float) -> float:
    return grams / GRAMS_PER_OUNCE


def ounces_to_grams(ounces: float) -> float:
    return ounces * GRAMS_PER_OUNCE


def us_weight(grams: float) -> str:
    """ "5.3 oz" below a pound, "1 lb 4.5 oz" from a pound up."""
    ounces = round(grams_to_ounces(grams), 1)
    if ounces < OUNCES_PER_POUND:
        return f"{ounces:g} oz"
    pounds, rest = divmod(ounces, OUNCES_PER_POUND)
    rest = round(rest, 1)
    return f"{int(pounds)} lb" + (f" {rest:g} oz" if rest else "")


@dataclass(frozen=True)
class Portion:
    """One SR portion: `amount` × `description` weighs `grams`."""

    amount: float
    description: str
    grams: float


def _volume(description: str) -> tuple[Fraction, str] | None:
    """(cups per one of this measure, the rest of the description, e.g. "chopped") for a volume measure."""
    for pattern, cups in _VOLUMES:
        match = pattern.match(description.strip())
        if match:
            rest = description.strip()[match.end() :].strip(" ,")
            return cups, rest
    return None


def grams_per_cup(portions: Iterable[Portion]) -> tuple[float, str] | None:
    """(grams in one cup, how it is cut) from the first volume portion SR lists for the food, or None.

    A volume that stands for a count ("cup (4.86 large eggs)") is passed over: the count reads better.
    """
    for p in portions:
        if p.grams <= 0 or p.amount <= 0 or "(" in p.description:
            continue
        volume = _volume(p.description)
        if volume:
            cups, rest = volume
            return p.grams / (p.amount * float(cups)), rest
    return None


def _quarters(value: float) -> str:
    """2.25 -> "2 ¼", 0.5 -> "½"."""
    quarters = round(value * 4)
    whole, part = divmod(quarters, 4)
    return (f"{whole} " if whole else "") + _FRACTIONS[part] if part else f"{whole}"


def _plural(word: str, count_text: str) -> str:
    return word if count_text in ("1", "¼", "½", "¾") else word + "s"


def us_volume(grams: float, portions: Iterable[Portion]) -> str:
    """ "1 ¼ cups chopped", "2 tablespoons", "¾ teaspoon" for `grams` of a food with a volume portion; "" if none.

    Cups from a quarter cup up, tablespoons from one, teaspoons below, each rounded to the nearest quarter
    (half a tablespoon is 1 ½ teaspoons, so small amounts stay readable).
    """
    per_cup = grams_per_cup(portions)
    if per_cup is None or grams <= 0:
        return ""
    grams_cup, how = per_cup
    cups = grams / grams_cup
    for unit, per in (("cup", 1), ("tablespoon", 16), ("teaspoon", 48)):
        count = cups * per
        if count >= 0.25 * (1 if unit == "cup" else 4) or unit == "teaspoon":
            text = _quarters(count)
            if text == "0":
                return ""
            return f"{text} {_plural(unit, text)}" + (f" {how}" if how else "")
    return ""


_NOT_COUNTS = re.compile(r"^(oz|lb|NLEA|serving)\b", re.IGNORECASE)


def us_count(grams: float, portions: Iterable[Portion]) -> str:
    """ "2 large", "1 ½ slice, regular": the first SR portion that is neither a volume nor a weight, when it
    gives a count from a quarter to eight; "" otherwise."""
    for p in portions:
        if p.grams <= 0 or p.amount <= 0 or _volume(p.description) or _NOT_COUNTS.match(p.description.strip()):
            continue
        count = grams / p.grams * p.amount
        if 0.25 <= count <= 8:
            return f"{_quarters(count)} {p.description}"
    return ""


def us_measure(grams: float, portions: Iterable[Portion]) -> str:
    """The US household measure for `grams` of a food: a volume from its SR portions, else a count of one of
    its portions; "" when it has neither (the weight in ounces then says it all)."""
    portions = tuple(portions)
    return us_volume(grams, portions) or us_count(grams, portions)
