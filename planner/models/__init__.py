from .meals import SLOTS, Meal, MealIngredient

__all__ = ["SLOTS", "Meal", "MealIngredient"]
