"""Admin for meals (curated by dietitians), saved profiles and plans."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Meal, MealIngredient, Plan, Profile


class MealIngredientInline(admin.TabularInline):
    model = MealIngredient
    autocomplete_fields = ["food"]
    extra = 1


@admin.register(Meal)
class MealAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slot", "is_active", "needs_review", "updated_at"]
    list_filter = ["slot", "is_active", "needs_review"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MealIngredientInline]


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
