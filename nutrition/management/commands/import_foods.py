"""manage.py import_foods FILE [--dry-run]: the food table back from an edited export (CSV or XLSX)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from nutrition.importers.spreadsheet import import_foods_file


class Command(BaseCommand):
    help = (
        "Import foods from a CSV or XLSX in the export_foods layout. Rows with an id update that food, rows "
        "without one create a food; an empty nutrient cell means unknown. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")

    def handle(self, *args, file, dry_run, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        plan, batch = import_foods_file(file.read_bytes(), str(file), dry_run=dry_run)
        if not plan.ok:
            raise CommandError("Nothing was imported:\n" + "\n".join(plan.problems))
        for warning in plan.warnings:
            self.stderr.write(f"Check: {warning}")
        would = "would " if dry_run else ""
        for change in plan.creates:
            self.stdout.write(f"row {change.row}: {would}create {change.name!r}")
        for change in plan.updates:
            self.stdout.write(f"row {change.row}: {would}change food {change.food_id} {change.name!r}")
            for line in change.changes:
                self.stdout.write(f"    {line}")
        if dry_run:
            self.stdout.write(f"Dry run, nothing written: {plan.summary()}.")
        else:
            self.stdout.write(f"Import batch {batch.pk}: {plan.summary()}.")
