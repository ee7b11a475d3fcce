"""manage.py curate_sr26: rebuild fixtures/food_groups.json and fixtures/foods.json from SR26 and the curated lists.

It writes files, not database rows, so it records no ImportBatch; `loaddata` the fixtures to use them.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from nutrition.curation.sr26_fixtures import build_sr26_fixtures, read_nutrient_objects, write_sr26_fixtures
from nutrition.curation.sr26_lists import DEFAULT_LISTS, CurationError, read_curated_lists
from nutrition.importers import sr26


class Command(BaseCommand):
    help = "Write fixtures/food_groups.json and fixtures/foods.json from USDA SR26 and the curated food lists."

    def add_arguments(self, parser):
        parser.add_argument("--sr-dir", default=str(settings.USDA_SR_DIR), help="SR26 ASCII files (FOOD_DES.txt...)")
        parser.add_argument("--output-dir", default=str(Path(settings.BASE_DIR) / "fixtures"))
        parser.add_argument(
            "--nutrients",
            default=str(Path(settings.BASE_DIR) / "fixtures" / "nutrients.json"),
            help="The nutrients fixture whose definitions foods.json repeats (see curation/sr26_fixtures.py).",
        )
        parser.add_argument(
            "--list",
            action="append",
            dest="lists",
            metavar="FILE",
            help="A curated list to read (repeatable); default: nutrition/curation/sr26_foods.csv and, "
            "when present, sr26_foods_for_meals.csv.",
        )

    def handle(self, *args, sr_dir, output_dir, nutrients, lists, **options):
        if not sr26.sr_file(sr_dir, "ABBREV.txt").is_file():
            raise CommandError(f"{sr_dir}: ABBREV.txt not found; pass --sr-dir with the SR26 ASCII files")
        if lists:
            paths = [Path(p) for p in lists]
        else:
            main_list, meals_list = DEFAULT_LISTS
            paths = [main_list] + ([meals_list] if meals_list.is_file() else [])
        try:
            known = set(sr26.read_food_descriptions(sr_dir).index)
            curated = read_curated_lists(paths, known)
            fixtures = build_sr26_fixtures(sr_dir, curated, read_nutrient_objects(nutrients))
        except CurationError as exc:
            raise CommandError("Nothing was written:\n" + "\n".join(exc.problems)) from exc
        except (OSError, ValueError) as exc:
            raise CommandError(f"Nothing was written: {exc}") from exc
        for path in write_sr26_fixtures(fixtures, output_dir):
            self.stdout.write(f"Wrote {path}")
        self.stdout.write(
            f"{fixtures.food_count} foods ({fixtures.complete_count} complete), "
            f"{fixtures.amount_count} amounts, {fixtures.portion_count} portions."
        )
