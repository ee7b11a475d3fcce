"""Admin for the food database: what a dietitian curating foods needs, with provenance read-only."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from .importers.food_records import ensure_history_baseline
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


class HistoryBaselineAdmin(SimpleHistoryAdmin):
    """History that starts before an admin's first change: rows loaded from the fixtures have no history of
    their own, so the row (and each inline row changed or deleted) is recorded as it stands first, as the
    dietitian workspace does, all dated just before the save. The workspace's history then shows what the
    admin changed and can revert it."""

    @staticmethod
    def _baseline_time(request):
        if not hasattr(request, "_history_baseline_at"):
            request._history_baseline_at = timezone.now()
        return request._history_baseline_at

    def save_model(self, request, obj, form, change):
        if change:
            ensure_history_baseline(type(obj), obj.pk, self._baseline_time(request))
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        ensure_history_baseline(type(obj), obj.pk, self._baseline_time(request))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for pk in queryset.values_list("pk", flat=True):
            ensure_history_baseline(queryset.model, pk, self._baseline_time(request))
        super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        deleted = set(formset.deleted_forms)
        for inline_form in formset.initial_forms:
            if inline_form.instance.pk and (inline_form in deleted or inline_form.has_changed()):
                ensure_history_baseline(formset.model, inline_form.instance.pk, self._baseline_time(request))
        super().save_formset(request, form, formset, change)


# Where a food came from: set by the importers, never retyped by hand once the food exists.
PROVENANCE_FIELDS = ["source", "source_id", "source_description", "import_batch"]


class NutrientAmountInline(admin.TabularInline):
    model = NutrientAmount
    extra = 0
    autocomplete_fields = ["nutrient"]
    fields = ["nutrient", "amount", "source"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("nutrient")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "nutrient":  # nutrients are reference data: no add/edit/delete buttons on every row
            widget = field.widget
            widget.can_add_related = widget.can_change_related = widget.can_delete_related = False
            widget.can_view_related = False
        return field


class PortionInline(admin.TabularInline):
    model = Portion
    extra = 0
    fields = ["seq", "amount", "description", "grams"]


@admin.register(Food)
class FoodAdmin(HistoryBaselineAdmin):
    list_display = [
        "name", "food_group", "diet", "source", "source_id", "contains_caffeine", "contains_alcohol", "needs_review",
    ]  # fmt: skip
    list_filter = [
        "needs_review", "food_group", "source", "diet", "allergens", "contains_caffeine", "contains_alcohol",
        "import_batch__kind",
    ]  # fmt: skip
    list_select_related = ["food_group"]
    search_fields = ["name", "source_id", "source_description"]
    inlines = [NutrientAmountInline, PortionInline]
    actions = ["mark_reviewed", "mark_needs_review"]
    fieldsets = [
        (None, {"fields": ["name", "food_group", "diet", "allergens", "needs_review"]}),
        ("Aggravates RLS", {"fields": ["contains_caffeine", "contains_alcohol"]}),
        ("Provenance", {"fields": [*PROVENANCE_FIELDS, "updated_at"]}),
    ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "allergens":  # eight of them: tick boxes beat a two-pane selector
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        # A new food needs its source typed in; after that the provenance is fixed.
        return [*PROVENANCE_FIELDS, "updated_at"] if obj is not None else ["import_batch", "updated_at"]

    @admin.action(description="Mark selected foods as reviewed", permissions=["change"])
    def mark_reviewed(self, request, queryset):
        count = self._set_needs_review(queryset, False)
        self.message_user(request, f"Marked {count} food(s) as reviewed.", messages.SUCCESS)

    @admin.action(description="Flag selected foods for review", permissions=["change"])
    def mark_needs_review(self, request, queryset):
        count = self._set_needs_review(queryset, True)
        self.message_user(request, f"Flagged {count} food(s) for review.", messages.SUCCESS)

    @staticmethod
    def _set_needs_review(queryset, value: bool) -> int:
        count = 0
        for food in queryset.exclude(needs_review=value):
            ensure_history_baseline(Food, food.pk)
            food.needs_review = value
            food.save(update_fields=["needs_review", "updated_at"])  # one save each, so history records it
            count += 1
        return count


@admin.register(Nutrient)
class NutrientAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "display_order", "usda_sr_number", "fdc_nutrient_id", "is_rls_focus"]
    list_editable = ["display_order"]
    search_fields = ["code", "name"]

    @admin.display(boolean=True, description="RLS focus")
    def is_rls_focus(self, obj):
        return obj.is_rls_focus


class WithFoodCount:
    """Changelist column: how many foods use this row."""

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(food_count=Count("foods"))

    @admin.display(description="foods", ordering="food_count")
    def food_count(self, obj):
        return obj.food_count


@admin.register(FoodGroup)
class FoodGroupAdmin(WithFoodCount, admin.ModelAdmin):
    list_display = ["name", "code", "food_count"]
    search_fields = ["name", "code"]


@admin.register(Allergen)
class AllergenAdmin(WithFoodCount, admin.ModelAdmin):
    list_display = ["code", "name", "food_count"]
    search_fields = ["code", "name"]


@admin.register(NutrientAmount)
class NutrientAmountAdmin(HistoryBaselineAdmin):
    list_display = ["food", "nutrient", "amount", "source"]
    list_filter = ["nutrient", "food__food_group", "food__source"]
    list_select_related = ["food", "nutrient"]
    search_fields = ["food__name", "food__source_id", "nutrient__code"]
    autocomplete_fields = ["food", "nutrient"]


@admin.register(Portion)
class PortionAdmin(HistoryBaselineAdmin):
    list_display = ["food", "amount", "description", "grams"]
    list_select_related = ["food"]
    search_fields = ["food__name", "description"]
    autocomplete_fields = ["food"]


@admin.register(ReferenceIntake)
class ReferenceIntakeAdmin(admin.ModelAdmin):
    list_display = [
        "nutrient", "sex", "life_stage", "age_min", "age_max", "kind", "amount", "upper_limit", "upper_scope",
    ]  # fmt: skip
    list_filter = ["nutrient", "sex", "life_stage", "kind", "upper_scope"]
    list_select_related = ["nutrient"]
    search_fields = ["nutrient__code", "nutrient__name", "source"]


@admin.register(IntakeAdjustment)
class IntakeAdjustmentAdmin(admin.ModelAdmin):
    list_display = ["nutrient", "condition", "multiplier", "addend", "source"]
    list_filter = ["condition", "nutrient"]
    list_select_related = ["nutrient"]
    search_fields = ["nutrient__code", "explanation", "source"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Import batches are written by the importers: a record of what happened, read-only here."""

    list_display = ["kind", "source", "user", "started_at", "finished_at", "created", "updated", "unchanged", "errors"]
    list_filter = ["kind", "started_at"]
    list_select_related = ["user"]
    search_fields = ["source", "notes", "user__username"]
    date_hierarchy = "started_at"
    readonly_fields = [f.name for f in ImportBatch._meta.fields]

    def has_add_permission(self, request):
        return False
