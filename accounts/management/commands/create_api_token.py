"""manage.py create_api_token USERNAME [--name NAME]: print a new personal access token for the JSON API."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.tokens import create_token


class Command(BaseCommand):
    help = "Create a personal access token for USERNAME and print it (it is shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="Command line", help="What the token is for (default: Command line).")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"username: no user called {username!r}")
        if not user.is_active:
            raise CommandError(f"username: {username!r} is deactivated")
        _token, raw = create_token(user, name)
        self.stdout.write(raw)
