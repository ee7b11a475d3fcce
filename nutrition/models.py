"""Foods, nutrients, portions and reference intakes.

Every number here has a source: a food names the dataset it came from (`source`) and that
dataset's id (`source_id`); a reference intake cites the table it was copied from. A nutrient a
source does not report has no `NutrientAmount` row at all: unknown is never stored as zero.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.signals import post_save
from simple_history.manager import HistoryManager
from simple_history.models import HistoricalRecords

# Diets from most to least restrictive. A food suits its own diet and every looser one.
DIETS = ("vegan", "vegetarian", "pescatarian", "omnivore")
DIET_CHOICES = [(d, d.capitalize()) for d in DIETS]

ALLERGENS = ("gluten", "dairy", "egg", "fish", "shellfish", "nuts", "peanuts", "soy")

# The six nutrients the product is about, in the order the UI shows them.
RLS_NUTRIENTS = ("iron_mg", "folate_ug_dfe", "magnesium_mg", "vitamin_b12_ug", "vitamin_d_ug", "vitamin_c_mg")
MACROS = ("energy_kcal", "protein_g", "fat_g", "carbohydrate_g")


class CodeManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class FoodGroup(models.Model):
    """A food group as USDA names it (SR26 FD_GROUP.txt), e.g. "Legumes and Legume Products"."""

    code = models.CharField(max_length=16, unique=True, help_text="USDA food group code, e.g. 1600.")
    name = models.CharField(max_length=100, unique=True)

    objects = CodeManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class Allergen(models.Model):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=50)

    objects = CodeManager()

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class Nutrient(models.Model):
    """A nutrient with a stable code (`iron_mg`), the unit its amounts are in and where it sorts."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=64)
    unit = models.CharField(max_length=16)
    display_order = models.PositiveSmallIntegerField(default=0)
    usda_sr_number = models.CharField(
        max_length=8, blank=True, help_text="SR NUTR_DEF nutrient number (e.g. 303 for iron)."
    )
    fdc_nutrient_id = models.PositiveIntegerField(
        null=True, blank=True, help_text="FoodData Central nutrient.id (e.g. 1089 for iron)."
    )

    objects = CodeManager()

    class Meta:
        ordering = ["display_order", "code"]

    def __str__(self):
        return f"{self.name} ({self.unit})"

    def natural_key(self):
        return (self.code,)

    @property
    def is_rls_focus(self) -> bool:
        return self.code in RLS_NUTRIENTS


class ImportBatch(models.Model):
    """One run of an importer or of the curation script: who, when, from what, and what it did."""

    kind = models.CharField(max_length=32, help_text="e.g. curate-sr26, import-sr, import-fdc, import-foods")
    source = models.CharField(max_length=500, help_text="File, directory or query the batch read.")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name_plural = "import batches"

    def __str__(self):
        return f"{self.kind} {self.started_at:%Y-%m-%d %H:%M} ({self.source})"


class FoodQuerySet(models.QuerySet):
    def for_diet(self, diet: str):
        """Foods a person following `diet` can eat."""
        allowed = DIETS[: DIETS.index(diet) + 1]
        return self.filter(diet__in=allowed)

    def search(self, text: str):
        return self.filter(name__icontains=text) if text else self


class FoodManager(models.Manager.from_queryset(FoodQuerySet)):
    def get_by_natural_key(self, source, source_id):
        return self.get(source=source, source_id=source_id)


class FoodHistoryManager(HistoryManager):
    """Food history whose every row also records the food's allergens at that moment.

    django-simple-history snapshots `m2m_fields` when it saves one history row, but not in
    `bulk_history_create` (the importers' bulk writes and `ensure_history_baseline`): without this, a
    row written in bulk would read as "no allergens" and a revert to it would clear them.
    """

    def bulk_history_create(self, objs, *args, **kwargs):
        rows = super().bulk_history_create(objs, *args, **kwargs) or []
        food_ids = sorted({row.id for row in rows})
        links: dict[int, list] = {}
        for start in range(0, len(food_ids), 1000):  # stays under SQLite's limit on query parameters
            for link in Food.allergens.through.objects.filter(food_id__in=food_ids[start : start + 1000]):
                links.setdefault(link.food_id, []).append(link)
        then = self.model.allergens.model
        then.objects.bulk_create(
            [
                then(history=row, id=link.pk, food_id=link.food_id, allergen_id=link.allergen_id)
                for row in rows
                for link in links.get(row.id, ())
            ],
            batch_size=1000,
        )
        return rows


class Food(models.Model):
    name = models.CharField(max_length=200, help_text='As a person would write it: "Lentils, boiled".')
    food_group = models.ForeignKey(FoodGroup, on_delete=models.PROTECT, related_name="foods")
    source = models.CharField(max_length=32, help_text="Dataset, e.g. usda-sr26 or usda-fdc.")
    source_id = models.CharField(max_length=32, help_text="The id in that dataset (NDB number, FDC id).")
    source_description = models.CharField(
        max_length=300, blank=True, help_text="The dataset's own description, kept for traceability."
    )
    diet = models.CharField(
        max_length=12,
        choices=DIET_CHOICES,
        default="omnivore",
        help_text="The strictest diet the food suits: vegan foods suit every diet, omnivore foods only omnivores.",
    )
    allergens = models.ManyToManyField(Allergen, blank=True, related_name="foods")
    contains_caffeine = models.BooleanField(default=False, help_text="Aggravates RLS: kept out of evenings.")
    contains_alcohol = models.BooleanField(default=False, help_text="Aggravates RLS: never planned.")
    needs_review = models.BooleanField(default=False)
    import_batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="foods"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = FoodManager()
    history = HistoricalRecords(m2m_fields=["allergens"], history_manager=FoodHistoryManager)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["source", "source_id"], name="food_unique_source_id")]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.source, self.source_id)

    @property
    def diets(self) -> list[str]:
        """Every diet this food suits, strictest first."""
        return list(DIETS[DIETS.index(self.diet) :])

    def suits(self, diet: str) -> bool:
        return DIETS.index(self.diet) <= DIETS.index(diet)

    def amounts_by_code(self) -> dict[str, float]:
        """Known amounts per 100 g keyed by nutrient code; a missing key means unknown."""
        return {a.nutrient.code: a.amount for a in self.amounts.all()}


def _fixture_allergens_are_not_a_change(sender, instance, raw, **kwargs):
    """loaddata saves a food raw (no history row) and then sets its allergens on the same object:
    record no history for that either, so a loaded food has no history until its first real change."""
    if raw:
        instance.skip_history_when_saving = True


post_save.connect(_fixture_allergens_are_not_a_change, sender=Food, dispatch_uid="food-fixture-allergens")


class NutrientAmountManager(models.Manager):
    def get_by_natural_key(self, source, source_id, nutrient_code):
        return self.get(food__source=source, food__source_id=source_id, nutrient__code=nutrient_code)


class NutrientAmount(models.Model):
    """The amount of one nutrient in 100 g of a food's edible portion, as its source reports it."""

    food = models.ForeignKey(Food, on_delete=models.CASCADE, related_name="amounts")
    nutrient = models.ForeignKey(Nutrient, on_delete=models.PROTECT, related_name="amounts")
    amount = models.FloatField(help_text="Per 100 g edible portion, in the nutrient's unit.")
    source = models.CharField(
        max_length=100, blank=True, help_text="Where this value came from when not the food's own dataset."
    )

    objects = NutrientAmountManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["food", "nutrient__display_order"]
        constraints = [models.UniqueConstraint(fields=["food", "nutrient"], name="amount_unique_food_nutrient")]

    def __str__(self):
        return f"{self.food}: {self.amount} {self.nutrient.unit} {self.nutrient.code}/100 g"

    def natural_key(self):
        return (*self.food.natural_key(), self.nutrient.code)

    natural_key.dependencies = ["nutrition.food", "nutrition.nutrient"]


class PortionManager(models.Manager):
    def get_by_natural_key(self, source, source_id, seq):
        return self.get(food__source=source, food__source_id=source_id, seq=seq)


class Portion(models.Model):
    """A household measure ("1 cup", "1 medium") and its weight, from SR26 WEIGHT.txt or FDC."""

    food = models.ForeignKey(Food, on_delete=models.CASCADE, related_name="portions")
    seq = models.PositiveSmallIntegerField()
    amount = models.FloatField(help_text="How many of the measure, e.g. 0.5 for half a cup.")
    description = models.CharField(max_length=120)
    grams = models.FloatField()

    objects = PortionManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["food", "seq"]
        constraints = [models.UniqueConstraint(fields=["food", "seq"], name="portion_unique_food_seq")]

    def __str__(self):
        return f"{self.label} ({self.grams:g} g)"

    @property
    def label(self) -> str:
        return f"{self.amount:g} {self.description}"

    def natural_key(self):
        return (*self.food.natural_key(), self.seq)

    natural_key.dependencies = ["nutrition.food"]


SEX_CHOICES = [("female", "Female"), ("male", "Male")]
LIFE_STAGE_CHOICES = [("none", "Not pregnant or lactating"), ("pregnant", "Pregnant"), ("lactating", "Lactating")]


class ReferenceIntakeManager(models.Manager):
    def get_by_natural_key(self, nutrient_code, sex, life_stage, age_min):
        return self.get(nutrient__code=nutrient_code, sex=sex, life_stage=life_stage, age_min=age_min)


class ReferenceIntake(models.Model):
    """One row of the Dietary Reference Intakes (NIH ODS / National Academies) for one life-stage group.

    Children 1-8 are listed for both sexes with the same values, so a lookup is always by sex.
    """

    class Kind(models.TextChoices):
        RDA = "rda", "Recommended Dietary Allowance"
        AI = "ai", "Adequate Intake"

    class UpperScope(models.TextChoices):
        ALL = "all", "Food, beverages and supplements"
        SUPPLEMENTS = "supplements", "Supplements and medicines only (not food)"
        SYNTHETIC = "synthetic", "Synthetic folic acid only (fortified food and supplements)"
        NONE = "none", "No upper limit set"

    nutrient = models.ForeignKey(Nutrient, on_delete=models.PROTECT, related_name="reference_intakes")
    sex = models.CharField(max_length=6, choices=SEX_CHOICES)
    life_stage = models.CharField(max_length=10, choices=LIFE_STAGE_CHOICES, default="none")
    age_min = models.PositiveSmallIntegerField(help_text="Years, inclusive.")
    age_max = models.PositiveSmallIntegerField(help_text="Years, inclusive (120 for the open-ended group).")
    kind = models.CharField(max_length=3, choices=Kind.choices)
    amount = models.FloatField(help_text="RDA or AI, in the nutrient's unit per day.")
    upper_limit = models.FloatField(null=True, blank=True, help_text="Tolerable Upper Intake Level per day.")
    upper_scope = models.CharField(max_length=12, choices=UpperScope.choices, default=UpperScope.ALL)
    source = models.CharField(max_length=300)
    source_url = models.URLField(blank=True)

    objects = ReferenceIntakeManager()

    class Meta:
        ordering = ["nutrient__display_order", "life_stage", "sex", "age_min"]
        constraints = [
            models.UniqueConstraint(
                fields=["nutrient", "sex", "life_stage", "age_min"], name="intake_unique_group"
            )
        ]

    def __str__(self):
        stage = "" if self.life_stage == "none" else f" {self.life_stage}"
        return f"{self.nutrient.code} {self.sex}{stage} {self.age_min}-{self.age_max}: {self.amount}"

    def natural_key(self):
        return (self.nutrient.code, self.sex, self.life_stage, self.age_min)

    natural_key.dependencies = ["nutrition.nutrient"]

    @property
    def upper_applies_to_food(self) -> bool:
        return self.upper_limit is not None and self.upper_scope == self.UpperScope.ALL


class IntakeAdjustmentManager(models.Manager):
    def get_by_natural_key(self, nutrient_code, condition):
        return self.get(nutrient__code=nutrient_code, condition=condition)


class IntakeAdjustment(models.Model):
    """An adjustment the DRIs state for a group, e.g. iron x1.8 for vegetarians, vitamin C +35 mg for smokers."""

    class Condition(models.TextChoices):
        VEGETARIAN = "vegetarian", "Vegetarian"
        VEGAN = "vegan", "Vegan"
        SMOKER = "smoker", "Smoker"

    nutrient = models.ForeignKey(Nutrient, on_delete=models.PROTECT, related_name="adjustments")
    condition = models.CharField(max_length=12, choices=Condition.choices)
    multiplier = models.FloatField(default=1.0)
    addend = models.FloatField(default=0.0, help_text="Added after the multiplier, in the nutrient's unit.")
    explanation = models.CharField(max_length=300)
    source = models.CharField(max_length=300)
    source_url = models.URLField(blank=True)

    objects = IntakeAdjustmentManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["nutrient", "condition"], name="adjustment_unique_condition")
        ]

    def __str__(self):
        return f"{self.nutrient.code} for {self.condition}: x{self.multiplier:g} +{self.addend:g}"

    def natural_key(self):
        return (self.nutrient.code, self.condition)

    natural_key.dependencies = ["nutrition.nutrient"]

    def apply(self, value: float) -> float:
        return value * self.multiplier + self.addend
