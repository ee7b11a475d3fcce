from .meals import SLOTS, Meal, MealIngredient
from .plans import Plan
from .profiles import Profile

__all__ = ["SLOTS", "Meal", "MealIngredient", "Plan", "Profile"]
