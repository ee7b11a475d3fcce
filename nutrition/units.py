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
    (re.compile(r"^(quarts?|qt)\b", re.IGNORECASE), Fraction(4)),
    (re.compile(r"^(pints?|pt)\b", re.IGNORECASE), Fraction(2)),
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


# A parenthesis that only restates the volume ("cup (8 fl oz)"), not a count ("cup (4.86 large eggs)").
_VOLUME_NOTE = re.compile(r"\s*\(\s*[\d.]+\s*fl\.? oz\.?\s*\)", re.IGNORECASE)


def grams_per_cup(portions: Iterable[Portion]) -> tuple[float, str] | None:
    """(grams in one cup, how it is cut) from the first volume portion SR lists for the food, or None.

    A volume that stands for a count ("cup (4.86 large eggs)") is passed over: the count reads better. One
    that only restates itself in fluid ounces ("cup (8 fl oz)", yoghurt) is a plain cup.
    """
    for p in portions:
        description = _VOLUME_NOTE.sub("", p.description)
        if p.grams <= 0 or p.amount <= 0 or "(" in description:
            continue
        volume = _volume(description)
        if volume:
            cups, rest = volume
            return p.grams / (p.amount * float(cups)), rest
    return None


def _quarters(value: float) -> str:
    """2.25 -> "2 ¼", 0.5 -> "½"."""
    quarters = round(value * 4)
    if quarters == 0:
        return "0"
    whole, part = divmod(quarters, 4)
    return (f"{whole} " if whole else "") + _FRACTIONS[part] if part else f"{whole}"


def _plural(word: str, count_text: str) -> str:
    return word if count_text in ("1", "¼", "½", "¾") else word + "s"


def us_volume(grams: float, portions: Iterable[Portion]) -> str:
    """ "1 ¼ cups chopped", "2 tablespoons", "¾ teaspoon" for `grams` of a food with a volume portion; "" if none.

    Cups from a quarter cup up (to the quarter), tablespoons from one (to the half, as spoons measure),
    teaspoons below (to the quarter); 2.95 teaspoons is "1 tablespoon", never "3 teaspoons".
    """
    per_cup = grams_per_cup(portions)
    if per_cup is None or grams <= 0:
        return ""
    grams_cup, how = per_cup
    cups = grams / grams_cup
    # (unit, per cup, shown to the 1/step, from): the thresholds sit just under a quarter cup and one
    # tablespoon, so 3.8 tablespoons read "¼ cup" and 2.9 teaspoons "1 tablespoon".
    for unit, per, step, least in (("cup", 1, 4, 0.23), ("tablespoon", 16, 2, 0.9), ("teaspoon", 48, 4, 0)):
        exact = cups * per
        if exact >= least and round(exact * 4) > 0:
            text = _quarters(round(exact * step) / step)
            return f"{text} {_plural(unit, text)}" + (f" {how}" if how else "")
    return ""


# Weights, and measures nobody counts in a kitchen ("10 ½ cubic inches" of fish).
_NOT_COUNTS = re.compile(r"^(oz|lb|NLEA|serving|cubic)\b", re.IGNORECASE)
# "tortilla 1 serving": the tortilla is the unit; "avocado, NS as to Florida or California": SR's "not specified".
_SERVING_NOTE = re.compile(r"\s+1 serving$|,\s*NS as to .*$", re.IGNORECASE)
_NOT_NOUNS = {"large", "medium", "small", "extra", "jumbo", "whole", "yields", "regular", "thin", "thick"}
MAX_COUNT = 16


def _plural_noun(description: str) -> str:
    """ "slice, regular" -> "slices, regular", "fillet" -> "fillets", "cubic inch" -> "cubic inches"; a size
    ("large"), a word already plural or a phrase such as "lemon yields" is left as it is."""
    head_end = min((i for i in (description.find(","), description.find("(")) if i >= 0), default=len(description))
    head, rest = description[:head_end].rstrip(), description[len(description[:head_end].rstrip()) :]
    words = head.split()
    if not words or any(w.lower() in _NOT_NOUNS for w in words) or not words[-1].isalpha():
        return description
    last = words[-1]
    if last.endswith("s"):
        return description
    if last.endswith(("ch", "sh", "x")) or last.lower() in ("tomato", "potato"):
        last += "es"
    elif last.endswith("y") and last[-2:-1] not in "aeiou":
        last = last[:-1] + "ies"
    else:
        last += "s"
    return " ".join([*words[:-1], last]) + rest


def us_count(grams: float, portions: Iterable[Portion], most: float = MAX_COUNT) -> str:
    """ "2 large", "1 ½ slices, regular", "3 tortillas": the first SR portion that is neither a volume nor a
    weight, when it gives a count from a quarter to sixteen; "" otherwise."""
    counts = [
        (grams / p.grams * p.amount, p)
        for p in portions
        if p.grams > 0 and p.amount > 0 and not _volume(p.description) and not _NOT_COUNTS.match(p.description.strip())
    ]
    # The first portion giving a count a cook would use (a quarter to eight), else one up to sixteen (a shop).
    fitting = [c for c in counts if 0.25 <= c[0] <= min(8, most)] or [c for c in counts if 0.25 <= c[0] <= most]
    if not fitting:
        return ""
    count, p = fitting[0]
    text = _quarters(count)
    description = _SERVING_NOTE.sub("", p.description.strip())
    return f"{text} {description if text in ('1', '¼', '½', '¾') else _plural_noun(description)}"


def us_measure(grams: float, portions: Iterable[Portion]) -> str:
    """The US household measure for `grams` of a food: a volume from its SR portions, else a count of one of
    its portions; "" when it has neither (the weight in ounces then says it all)."""
    portions = tuple(portions)
    return us_volume(grams, portions) or us_count(grams, portions)


METRIC_MOST = 6  # beyond six of a thing ("7 ½ leaf inners") the grams read better
_CUPS = re.compile(r"^[\d ¼½¾]+ cups?\b")


def metric_measure(grams: float, portions: Iterable[Portion]) -> str:
    """The household measure beside grams for a metric reader: spoons (1 tablespoon = 15 ml, as in metric
    kitchens) and counts ("2 fillets", "1 can"), never cups or fluid ounces; "" when the grams say it all."""
    # A portion sized in inches ("extra large (1-5/8" dia)") is not for a metric reader either.
    portions = tuple(p for p in portions if '"' not in p.description and "inch" not in p.description.lower())
    volume = us_volume(grams, portions)
    if volume and not _CUPS.match(volume):
        return volume
    return us_count(grams, portions, most=METRIC_MOST)
