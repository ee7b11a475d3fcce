from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Allergen,
    Food,
    FoodGroup,
    ImportBatch,
    IntakeAdjustment,
    Nutrient,
    NutrientAmount,
    Portion,
    ReferenceIntake,
)


class NutrientAmountInline(admin.TabularInline):
    model = NutrientAmount
    extra = 0
    autocomplete_fields = ["nutrient"]


class PortionInline(admin.TabularInline):
    model = Portion
    extra = 0


@admin.register(Food)
class FoodAdmin(SimpleHistoryAdmin):
    list_display = ["name", "food_group", "diet", "source", "source_id", "needs_review"]
    list_filter = ["food_group", "source", "diet", "allergens", "contains_caffeine", "contains_alcohol"]
    search_fields = ["name", "source_id", "source_description"]
    filter_horizontal = ["allergens"]
    readonly_fields = ["source", "source_id", "source_description", "import_batch", "updated_at"]
    inlines = [NutrientAmountInline, PortionInline]


@admin.register(Nutrient)
class NutrientAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "display_order", "usda_sr_number", "fdc_nutrient_id"]
    search_fields = ["code", "name"]


@admin.register(FoodGroup)
class FoodGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Allergen)
class AllergenAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(NutrientAmount)
class NutrientAmountAdmin(SimpleHistoryAdmin):
    list_display = ["food", "nutrient", "amount", "source"]
    list_filter = ["nutrient"]
    search_fields = ["food__name"]
    autocomplete_fields = ["food", "nutrient"]


@admin.register(Portion)
class PortionAdmin(SimpleHistoryAdmin):
    list_display = ["food", "amount", "description", "grams"]
    search_fields = ["food__name", "description"]
    autocomplete_fields = ["food"]


@admin.register(ReferenceIntake)
class ReferenceIntakeAdmin(admin.ModelAdmin):
    list_display = [
        "nutrient", "sex", "life_stage", "age_min", "age_max", "kind", "amount", "upper_limit", "upper_scope",
    ]
    list_filter = ["nutrient", "sex", "life_stage", "kind", "upper_scope"]


@admin.register(IntakeAdjustment)
class IntakeAdjustmentAdmin(admin.ModelAdmin):
    list_display = ["nutrient", "condition", "multiplier", "addend", "source"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["kind", "source", "user", "started_at", "created", "updated", "unchanged", "errors"]
    list_filter = ["kind"]
    readonly_fields = [f.name for f in ImportBatch._meta.fields]
