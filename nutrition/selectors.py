"""Read-side queries over foods, shaped for pages and exports (a fixed number of queries per page)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery

from config.page_cache import per_process

from .intakes import group_label, reference_intakes
from .models import DIETS, RLS_NUTRIENTS, Food, FoodGroup, Nutrient, NutrientAmount, Portion

# The session key where the planner leaves the reader's latest daily targets ({code: {"target", "unit", "name"}}).
READER_TARGETS = "reader_targets"
# The stated default reader when there is no plan in the session.
DEFAULT_READER = {"age": 35, "sex": "female"}
# "Rich in" a nutrient: 100 g gives at least this share of the reader's daily target (FDA "high source" is 20% DV).
RICH_SHARE = 0.2
PAGE_SIZE = 50


@dataclass(frozen=True)
class FoodFilters:
    query: str = ""
    group: str = ""  # FoodGroup.code
    diet: str = ""
    rich_in: str = ""  # nutrient code
    sort: str = "name"  # "name" or "<code>:100g" / "<code>:portion"

    @property
    def sort_code(self) -> str:
        return self.sort.split(":")[0] if ":" in self.sort else ""

    @property
    def per_portion(self) -> bool:
        return self.sort.endswith(":portion")


@dataclass(frozen=True)
class ReaderTargets:
    targets: dict[str, float]  # code -> daily target
    label: str  # whose targets these are, said in words
    from_plan: bool


def foods_with_amounts(queryset: QuerySet[Food] | None = None) -> QuerySet[Food]:
    """Foods with their group, allergens and amounts loaded in a fixed number of queries."""
    queryset = Food.objects.all() if queryset is None else queryset
    return queryset.select_related("food_group").prefetch_related(
        "allergens", Prefetch("amounts", queryset=NutrientAmount.objects.select_related("nutrient"))
    )


def rls_nutrients() -> list[Nutrient]:
    by_code = {n.code: n for n in Nutrient.objects.filter(code__in=RLS_NUTRIENTS)}
    return [by_code[c] for c in RLS_NUTRIENTS if c in by_code]


def sort_choices(nutrients: list[Nutrient]) -> list[tuple[str, str]]:
    choices = [("name", "Name (A–Z)")]
    for n in nutrients:
        choices += [
            (f"{n.code}:100g", f"Most {n.name.lower()} per 100 g"),
            (f"{n.code}:portion", f"Most {n.name.lower()} per portion"),
        ]
    return choices


def _amount_of(code: str):
    return Subquery(NutrientAmount.objects.filter(food=OuterRef("pk"), nutrient__code=code).values("amount")[:1])


def _portion_grams():
    return Subquery(Portion.objects.filter(food=OuterRef("pk")).order_by("seq").values("grams")[:1])


def filtered_foods(filters: FoodFilters, targets: ReaderTargets) -> QuerySet[Food]:
    """The foods browser's rows: searched, filtered and sorted in the database; unknown amounts sort last."""
    foods = Food.objects.search(filters.query)
    if filters.group:
        foods = foods.filter(food_group__code=filters.group)
    if filters.diet in DIETS:
        foods = foods.for_diet(filters.diet)
    if filters.rich_in in RLS_NUTRIENTS and targets.targets.get(filters.rich_in):
        threshold = RICH_SHARE * targets.targets[filters.rich_in]
        foods = foods.filter(amounts__nutrient__code=filters.rich_in, amounts__amount__gte=threshold)
    code = filters.sort_code
    if code in RLS_NUTRIENTS:
        value = _amount_of(code) * _portion_grams() / 100.0 if filters.per_portion else _amount_of(code)
        foods = foods.annotate(sort_value=value).order_by(F("sort_value").desc(nulls_last=True), "name")
    else:
        foods = foods.order_by("name")
    return foods.select_related("food_group")


def food_groups() -> QuerySet[FoodGroup]:
    return FoodGroup.objects.all()


def reader_targets(session, stamp: str | None = None) -> ReaderTargets:
    """The reader's daily targets: from their latest plan in this session, else a stated default adult
    (kept in this process until `stamp`, a `cache.data_stamp()`, moves, when given)."""
    saved = session.get(READER_TARGETS) if session is not None else None
    if saved:
        targets = {code: t["target"] for code, t in saved.items() if t.get("target")}
        return ReaderTargets(targets, "the daily targets of your latest plan", True)
    if stamp is not None:
        return per_process("default-reader-targets", stamp, _default_reader_targets)
    return _default_reader_targets()


def _default_reader_targets() -> ReaderTargets:
    rows = reference_intakes(DEFAULT_READER["age"], DEFAULT_READER["sex"])
    targets = {code: row.amount for code, row in rows.items()}
    label = "reference intakes (RDA or AI, NIH ODS) for an adult woman, 31–50"
    if rows:
        label = f"reference intakes (RDA or AI, NIH ODS) for {group_label(next(iter(rows.values())))}"
    return ReaderTargets(targets, label, False)


def food_detail(pk: int) -> Food:
    return foods_with_amounts(Food.objects.prefetch_related("portions")).get(pk=pk)


def nutrient_rows(food: Food, targets: ReaderTargets) -> list[dict]:
    """Every nutrient, with the food's amount per 100 g or None (unknown), and % of the reader's target."""
    known = food.amounts_by_code()
    rows = []
    for nutrient in Nutrient.objects.all():
        amount = known.get(nutrient.code)
        target = targets.targets.get(nutrient.code)
        percent = round(100 * amount / target) if amount is not None and target else None
        rows.append({"nutrient": nutrient, "amount": amount, "percent": percent, "focus": nutrient.is_rls_focus})
    return rows


def foods_with_portions(food_ids) -> QuerySet[Food]:
    """These foods with their group and household measures, in two queries."""
    return Food.objects.filter(pk__in=list(food_ids)).select_related("food_group").prefetch_related("portions")


def amounts_per_100g(food_ids) -> dict[int, dict[str, float]]:
    """Food id -> {nutrient code: amount per 100 g}; a missing code is unknown."""
    amounts: dict[int, dict[str, float]] = {}
    rows = NutrientAmount.objects.filter(food_id__in=list(food_ids)).values_list("food_id", "nutrient__code", "amount")
    for food_id, code, amount in rows:
        amounts.setdefault(food_id, {})[code] = amount
    return amounts


def _amounts_of(food_ids, nutrients: list[Nutrient]) -> dict[int, dict[str, float]]:
    """Like `amounts_per_100g`, for these nutrients only."""
    codes = {n.pk: n.code for n in nutrients}
    amounts: dict[int, dict[str, float]] = {}
    rows = NutrientAmount.objects.filter(food_id__in=list(food_ids), nutrient_id__in=list(codes))
    for food_id, nutrient_id, amount in rows.values_list("food_id", "nutrient_id", "amount"):
        amounts.setdefault(food_id, {})[codes[nutrient_id]] = amount
    return amounts


def first_portions(food_ids) -> dict[int, Portion]:
    """Food id -> its first household measure (the typical portion); a food without one is absent."""
    first: dict[int, Portion] = {}
    for portion in Portion.objects.filter(food_id__in=list(food_ids)).order_by("food_id", "seq"):
        first.setdefault(portion.food_id, portion)
    return first


def food_rows(foods, nutrients: list[Nutrient], per_portion: bool) -> list[dict]:
    """Table rows for a page of foods: the six amounts per 100 g, or per first household portion when asked.

    Two queries for the whole page (amounts of these nutrients, and first portions when per portion), no
    model per amount; a food without portions has no per-portion values.
    """
    foods = list(foods)
    ids = [food.pk for food in foods]
    amounts = _amounts_of(ids, nutrients)
    portions = first_portions(ids) if per_portion else {}
    rows = []
    for food in foods:
        known = amounts.get(food.pk, {})
        portion = portions.get(food.pk)
        values = []
        for n in nutrients:
            value = known.get(n.code)
            if per_portion:
                value = None if value is None or portion is None else value * portion.grams / 100.0
            values.append(value)
        rows.append({"food": food, "values": values, "portion": portion})
    return rows
