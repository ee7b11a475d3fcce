"""Readers for external food datasets (USDA SR26, FoodData Central). Readers return data; they never write to the DB."""
