"""The plan form's lab fields from the person's latest journal results (registered in `JournalConfig.ready`).

Each lab goes in as the person entered it: the value in their unit and that unit in the field beside it.
"""

from __future__ import annotations

from planner.form_prefill import Prefill

from .access import open_journal
from .labs_view import shown_value
from .selectors import latest_labs


def latest_lab_initial(user) -> Prefill:
    latest = latest_labs(open_journal(user))
    if not latest:
        return Prefill()
    initial = {}
    for lab, result in latest.items():
        initial[lab] = round(shown_value(result), 2)
        initial[f"{lab}_unit"] = result.unit
    dated = ", ".join(f"{result.get_lab_display()} {result.date:%-d %b %Y}" for result in latest.values())
    return Prefill(initial, (f"Filled in from your journal's latest results ({dated}); change them if you like.",))
