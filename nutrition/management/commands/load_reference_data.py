"""manage.py load_reference_data [--force]: the curated fixtures, once.

`make run` calls it on every start. It loads `fixtures/*.json` (natural keys, so one loaddata call
takes them in any order) into an empty database, and leaves a database that already has foods alone,
so a dietitian's edits are never overwritten by a restart. `--force` reloads (and overwrites the
curated rows with the committed values). Cached food pages are marked out of date afterwards: loaddata
writes no history and sends no signal that `nutrition.cache` acts on.
"""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from nutrition.cache import data_changed
from nutrition.models import Food


class Command(BaseCommand):
    help = "Load the curated reference data (fixtures/*.json) into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Reload even if foods exist (overwrites them).")

    def handle(self, *args, force, **options):
        if Food.objects.exists() and not force:
            self.stdout.write(f"Reference data already loaded ({Food.objects.count()} foods); --force reloads it.")
            return
        fixtures = sorted(str(path) for path in Path(settings.BASE_DIR, "fixtures").glob("*.json"))
        call_command("loaddata", *fixtures, verbosity=options["verbosity"])
        data_changed()
