from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "journal"
    verbose_name = "RLS journal"

    def ready(self):
        # The plan form's lab fields start from the person's latest results. Registered from here, so that the
        # planner never names the journal (journal -> planner, as the import contracts say).
        from planner import form_prefill

        from .plan_prefill import latest_lab_initial

        form_prefill.register(latest_lab_initial)
