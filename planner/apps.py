from django.apps import AppConfig


class PlannerConfig(AppConfig):
    verbose_name = "Planner"
    name = "planner"
