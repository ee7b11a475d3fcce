"""The plan form's lab fields from the person's latest journal results (registered in `JournalConfig.ready`).

Each lab goes in as the person entered it: the value in their unit and that unit in the field beside it.
"""

from __future__ import annotations

from planner.form_prefill import Prefill

from .access import Journal, open_journal
from .labs_view import shown_value
from .selectors import latest_labs


def latest_lab_initial(user) -> Prefill:
    return lab_prefill(open_journal(user))


def lab_prefill(journal: Journal, whose: str = "your") -> Prefill:
    """The latest results of this journal (one its viewer may read) as plan form values, with a note saying so."""
    latest = latest_labs(journal)
    if not latest:
        return Prefill()
    initial = {}
    for lab, result in latest.items():
        initial[lab] = round(shown_value(result), 2)
        initial[f"{lab}_unit"] = result.unit
    dated = ", ".join(f"{result.get_lab_display()} {result.date:%-d %b %Y}" for result in latest.values())
    return Prefill(initial, (f"Filled in from {whose} journal's latest results ({dated}); change them if you like.",))
