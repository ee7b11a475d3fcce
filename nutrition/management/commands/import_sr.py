"""manage.py import_sr DIR: import a full USDA SR release (ASCII edition); safe to run again."""

from django.core.management.base import BaseCommand, CommandError

from nutrition.importers.food_records import ImportRefused
from nutrition.importers.sr_release import import_sr_release


class Command(BaseCommand):
    help = "Import every food of a USDA SR release (FOOD_DES, FD_GROUP, ABBREV, WEIGHT) from DIR."

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, *args, directory, **options):
        try:
            imported = import_sr_release(directory, progress=options["verbosity"] > 0)
        except ImportRefused as exc:
            raise CommandError("Nothing was imported:\n" + "\n".join(exc.problems)) from exc
        for warning in imported.warnings:
            self.stderr.write(f"Check: {warning}")
        result = imported.result
        self.stdout.write(
            f"Import batch {imported.batch.pk}: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged."
        )
