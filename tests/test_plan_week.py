"""The week as a whole, through `manage.py generate_plan`: scarce vitamin D and B12 meals of a vegan week are not
used up early, so the last days of the week meet those targets as often as the first days do."""

import io
import json

import pytest
from django.core.management import call_command

from planner.services import MET_SHARE

pytestmark = pytest.mark.django_db

# Two of the benchmark's vegan profiles whose day-by-day plans met vitamin D on days 1-4 and missed it on days 5-7.
VEGANS = {
    "adult 34 woman vegan, iron+b12": {
        "age": 34, "sex": "female", "weight_kg": 58, "height_cm": 163, "diet": "vegan",
        "deficiencies": ["iron", "vitamin_b12"], "days": 7,
    },
    "older 68 woman vegan, all RLS gaps": {
        "age": 68, "sex": "female", "weight_kg": 59, "height_cm": 160, "diet": "vegan",
        "deficiencies": ["iron", "folate", "magnesium", "vitamin_b12", "vitamin_d"], "days": 7,
    },
}  # fmt: skip


def run_generate(tmp_path, profile, seed):
    path = tmp_path / "me.json"
    path.write_text(json.dumps(profile), encoding="utf-8")
    out = io.StringIO()
    call_command("generate_plan", "--profile", str(path), "--seed", str(seed), stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("name", VEGANS)
@pytest.mark.parametrize("seed", [0, 1])
def test_late_week_days_of_a_vegan_plan_meet_vitamin_d_and_b12_as_often_as_early_days(tmp_path, name, seed):
    document = run_generate(tmp_path, VEGANS[name], seed)
    days = document["days"]
    assert len(days) == 7
    for code in ("vitamin_d_ug", "vitamin_b12_ug"):
        target = document["targets"][code]["target"]
        met = [day["totals"][code] >= MET_SHARE * target for day in days]
        first, last = sum(met[:3]), sum(met[-3:])
        assert last >= first - 1, f"{code}: met on {first} of days 1-3 but {last} of days 5-7 ({met})"
