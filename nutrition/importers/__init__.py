"""Importers for external food datasets (USDA SR26, FoodData Central).

Readers such as `sr26.py` only parse files and return data; the modules that save records say so.
"""
