"""manage.py generate_plan --profile FILE.json [--seed N] [--days N]: print a plan document as JSON."""

import json

from django.core.management.base import BaseCommand, CommandError

from planner.profiles import FIELD_RULES, ProfileError, load_profile_json
from planner.services import generate_plan


class Command(BaseCommand):
    help = "Print a meal plan (JSON) for the profile in FILE.json."

    def add_arguments(self, parser):
        parser.add_argument("--profile", required=True, metavar="FILE.json", help="The profile as a JSON object.")
        parser.add_argument("--seed", type=int, default=0, help="Same seed, same plan (default 0).")
        parser.add_argument("--days", type=int, help="Days to plan (overrides the profile's days).")

    def handle(self, *args, profile, seed, days, **options):
        try:
            with open(profile, encoding="utf-8") as handle:
                text = handle.read()
        except OSError as error:
            raise CommandError(f"profile: cannot read {profile} ({error.strerror})") from None
        try:
            plan_profile = load_profile_json(text)
        except ProfileError as error:
            raise CommandError(str(error)) from None
        rule = FIELD_RULES["days"]
        if days is not None and not rule["min"] <= days <= rule["max"]:
            raise CommandError(f"days: must be between {rule['min']} and {rule['max']}, got {days}")
        document = generate_plan(plan_profile, seed=seed, days=days)
        self.stdout.write(json.dumps(document, indent=2, ensure_ascii=False))
