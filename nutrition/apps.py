from django.apps import AppConfig


class NutritionConfig(AppConfig):
    name = "nutrition"
    verbose_name = "Foods and nutrients"

    def ready(self):
        from . import cache  # noqa: F401  (connects the signals that keep cached food pages fresh)
