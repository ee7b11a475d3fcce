"""manage.py import_fdc: foods from the FoodData Central API (--ids, --search) or a bulk download (--csv)."""

from django.core.management.base import BaseCommand, CommandError

from nutrition.importers.fdc import import_fdc, parse_ids
from nutrition.importers.fdc_bundle import import_fdc_bundle
from nutrition.importers.food_records import ImportRefused


class Command(BaseCommand):
    help = "Import foods from USDA FoodData Central: by id, by search, or from a CSV download directory."

    def add_arguments(self, parser):
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--ids", help="Comma-separated FDC ids, e.g. 321611,323697")
        what.add_argument("--search", help="Search text; the matching foods are imported")
        what.add_argument("--csv", metavar="DIR", help="An FDC CSV download (food.csv, food_nutrient.csv, ...)")
        parser.add_argument("--data-type", default="", help='e.g. "Foundation,SR Legacy"')

    def handle(self, *args, ids, search, csv, data_type, **options):
        data_types = [t.strip() for t in data_type.split(",") if t.strip()]
        try:
            if csv:
                imported = import_fdc_bundle(csv, data_types=data_types, progress=options["verbosity"] > 0)
            else:
                imported = import_fdc(ids=parse_ids(ids) if ids else None, search=search, data_types=data_types)
        except ImportRefused as exc:
            raise CommandError("Nothing was imported:\n" + "\n".join(exc.problems)) from exc
        for warning in imported.warnings:
            self.stderr.write(f"Check: {warning}")
        for fdc_id in imported.missing_ids:
            self.stderr.write(f"FDC id {fdc_id}: FoodData Central does not know this id; skipped.")
        result = imported.result
        self.stdout.write(
            f"Import batch {imported.batch.pk}: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged."
        )
        for source_id, changes in result.changes.items():
            self.stdout.write(f"  FDC {source_id}: " + "; ".join(changes))
