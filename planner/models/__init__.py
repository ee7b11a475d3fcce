from .meals import SLOTS, Meal, MealIngredient
from .plans import Plan
from .preferences import Preference
from .profiles import Profile

__all__ = ["SLOTS", "Meal", "MealIngredient", "Plan", "Preference", "Profile"]
