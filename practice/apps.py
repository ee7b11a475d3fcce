from django.apps import AppConfig


class PracticeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "practice"
    verbose_name = "Dietitian practice"

    def ready(self):
        # The journal cannot import the practice (it sits below it), so the practice tells the journal's one
        # access module about consent here.
        from journal.access import allow_viewing_when

        from .access import dietitian_of_active_link, dietitians_active_clients

        allow_viewing_when(dietitian_of_active_link, bulk=dietitians_active_clients)

        # "From your dietitian ..." with the message, on a published plan in the client's own plan pages.
        # ... and the client's own changes to it go into its log.
        from planner import plan_changes, plan_labels

        from .client_plans import labels, on_plan_changed

        plan_labels.register(labels)
        plan_changes.register(on_plan_changed)
