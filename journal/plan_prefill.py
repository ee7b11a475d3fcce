"""The plan form's lab fields from the person's latest journal results (registered in `JournalConfig.ready`)."""

from __future__ import annotations

from planner.form_prefill import Prefill

from .access import open_journal
from .selectors import latest_labs

# Journal lab -> the plan form's field (which takes the lab's canonical unit).
PLAN_FORM_FIELDS = {
    "ferritin": "ferritin_ng_ml",
    "transferrin_saturation": "transferrin_saturation_pct",
    "vitamin_b12": "vitamin_b12_pg_ml",
    "folate": "folate_ng_ml",
    "vitamin_d_25oh": "vitamin_d_25oh_ng_ml",
    "magnesium": "magnesium_mg_dl",
}


def latest_lab_initial(user) -> Prefill:
    latest = latest_labs(open_journal(user))
    if not latest:
        return Prefill()
    initial = {PLAN_FORM_FIELDS[lab]: round(result.value, 2) for lab, result in latest.items()}
    dated = ", ".join(f"{result.get_lab_display()} {result.date:%-d %b %Y}" for result in latest.values())
    return Prefill(initial, (f"Filled in from your journal's latest results ({dated}); change them if you like.",))
