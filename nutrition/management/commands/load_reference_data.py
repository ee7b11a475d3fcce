"""manage.py load_reference_data [--force]: the curated fixtures, once.

`make run` calls it on every start. It loads `fixtures/*.json` into an empty database, and leaves a database
that already has foods alone, so a dietitian's edits are never overwritten by a restart. `--force` reloads (and
overwrites the curated rows with the committed values). The load is in bulk (`nutrition.reference_data`: a few
seconds, where `loaddata` took about a minute) and leaves what `loaddata` of the same files leaves, history
included (none). Cached food pages are marked out of date afterwards.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from nutrition.cache import data_changed
from nutrition.models import Food
from nutrition.reference_data import ReferenceDataError, fixture_paths, load_fixtures


class Command(BaseCommand):
    help = "Load the curated reference data (fixtures/*.json) into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Reload even if foods exist (overwrites them).")

    def handle(self, *args, force, **options):
        if Food.objects.exists() and not force:
            self.stdout.write(f"Reference data already loaded ({Food.objects.count()} foods); --force reloads it.")
            return
        paths = fixture_paths(Path(settings.BASE_DIR, "fixtures"))
        try:
            counts = load_fixtures(paths)
        except ReferenceDataError as exc:
            raise CommandError(f"Nothing was loaded: {exc}") from exc
        data_changed()
        if options["verbosity"] > 0:
            self.stdout.write(f"Loaded {sum(counts.values())} objects from {len(paths)} fixtures.")
