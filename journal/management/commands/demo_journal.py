"""Fill a person's journal with a clearly marked demo history: `manage.py demo_journal USERNAME [--weeks N]`."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from journal.access import open_journal
from journal.demo import RealEntries, fill_demo_journal


class Command(BaseCommand):
    help = "Fill USERNAME's journal with demo history (marked demo); refuses a journal with real entries."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--weeks", type=int, default=26, help="weeks of history (1-104, default 26)")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, username, weeks, seed, **options):
        if not 1 <= weeks <= 104:
            raise CommandError("--weeks must be from 1 to 104")
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user called {username!r}")
        try:
            made = fill_demo_journal(open_journal(user, write=True), weeks, seed=seed)
        except RealEntries as error:
            raise CommandError(f"{error}: demo_journal leaves it alone") from None
        counts = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in made.items())
        self.stdout.write(f"Demo journal for {username} ({weeks} weeks, marked demo): {counts}.")
