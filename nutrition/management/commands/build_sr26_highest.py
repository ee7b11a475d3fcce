"""manage.py build_sr26_highest: write nutrition/curation/sr26_highest.csv from USDA SR26's ABBREV.txt."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from nutrition.curation.sr26_highest import HIGHEST_CSV, highest_csv_text, highest_rows


class Command(BaseCommand):
    help = "Write the highest value SR26 reports per nutrient (the importers warn far beyond it)."

    def add_arguments(self, parser):
        parser.add_argument("--sr-dir", default=str(settings.USDA_SR_DIR), help="SR26 ASCII files (ABBREV.txt)")
        parser.add_argument("--output", type=Path, default=HIGHEST_CSV)

    def handle(self, *args, sr_dir, output, **options):
        if not (Path(sr_dir) / "ABBREV.txt").is_file():
            raise CommandError(f"{sr_dir}: ABBREV.txt not found; pass --sr-dir with the SR26 ASCII files")
        rows = highest_rows(sr_dir)
        output.write_text(highest_csv_text(rows), encoding="utf-8")
        self.stdout.write(f"Wrote {output}: {len(rows)} nutrients.")
