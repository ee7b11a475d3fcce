"""Admin for meals (curated by dietitians), saved profiles and plans."""

from django.contrib import admin

from nutrition.admin import HistoryBaselineAdmin
from nutrition.importers.food_records import ensure_history_baseline

from .models import Meal, MealIngredient, Plan, Profile


class MealIngredientInline(admin.TabularInline):
    model = MealIngredient
    autocomplete_fields = ["food"]
    extra = 1


@admin.register(Meal)
class MealAdmin(HistoryBaselineAdmin):
    list_display = ["name", "slot", "is_active", "needs_review", "updated_at"]
    list_filter = ["slot", "is_active", "needs_review"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MealIngredientInline]
    actions = ["mark_reviewed", "deactivate"]

    @admin.action(description="Mark selected meals as reviewed", permissions=["change"])
    def mark_reviewed(self, request, queryset):
        for meal in queryset.filter(needs_review=True):
            ensure_history_baseline(Meal, meal.pk)
            meal.needs_review = False
            meal.save(update_fields=["needs_review", "updated_at"])  # one save each, so history records it

    @admin.action(description="Deactivate selected meals (never planned)", permissions=["change"])
    def deactivate(self, request, queryset):
        for meal in queryset.filter(is_active=True):
            ensure_history_baseline(Meal, meal.pk)
            meal.is_active = False
            meal.save(update_fields=["is_active", "updated_at"])


@admin.register(MealIngredient)
class MealIngredientAdmin(HistoryBaselineAdmin):
    list_display = ["meal", "food", "grams", "order"]
    list_filter = ["meal__slot"]
    list_select_related = ["meal", "food"]
    search_fields = ["meal__name", "food__name"]
    autocomplete_fields = ["meal", "food"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "age", "sex", "diet", "life_stage", "updated_at"]
    list_filter = ["diet", "sex", "life_stage"]
    search_fields = ["name", "owner__username"]
    raw_id_fields = ["owner"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "profile", "seed", "updated_at"]
    search_fields = ["name", "owner__username"]
    raw_id_fields = ["owner", "profile"]
    readonly_fields = ["created_at", "updated_at"]
