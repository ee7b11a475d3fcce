"""The accounts the page benches sign in as, made in a database that already has the fixtures.

- a person (PERSON);
- a dietitian (DIETITIAN, in the Dietitian group) with CLIENTS clients who share their journal with them through an
  accepted invitation (as `practice.services` makes one), each with a profile, a few nights and a ferritin result,
  so that the practice pages (the clients list, a client's page and trends) show real rows.

`bench/load.py --walk` runs this file through `manage.py shell` (a server's database); `bench/page_cpu.py` imports it
in process. Running it again replaces the accounts (the same names, new rows).
"""

from __future__ import annotations

import datetime as dt

PASSWORD = "load-walk-" + "p" * 20
PERSON = "loadwalker"
DIETITIAN = "loaddietitian"
CLIENTS = ("loadclient1", "loadclient2")


def create(person: str = PERSON, dietitian: str = DIETITIAN, clients=CLIENTS, password: str = PASSWORD) -> dict:
    """Makes the accounts (dropping any of the same names first); returns the users by role."""
    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from journal.models import LabResult, Night
    from planner.models import Profile
    from practice import services
    from workspace.access import DIETITIAN_GROUP

    User.objects.filter(username__in=[person, dietitian, *clients]).delete()
    made = {"person": User.objects.create_user(person, f"{person}@example.org", password)}
    made["dietitian"] = User.objects.create_user(dietitian, f"{dietitian}@example.org", password)
    made["dietitian"].groups.add(Group.objects.get(name=DIETITIAN_GROUP))
    today = timezone.localdate()
    made["clients"] = []
    for number, name in enumerate(clients, start=1):
        client = User.objects.create_user(name, f"{name}@example.org", password)
        Profile.objects.create(owner=client, name="Me", age=30 + 10 * number, sex="female", weight_kg=60 + number,
                               height_cm=165)
        for days_ago in range(0, 21, 3):
            Night.objects.create(owner=client, date=today - dt.timedelta(days=days_ago),
                                 severity=(days_ago + number) % 8, hours_slept=6.5)
        LabResult.objects.create(owner=client, date=today - dt.timedelta(days=10), lab="ferritin",
                                 value=40 + 20 * number, unit="ng/mL")
        _link, token = services.invite(made["dietitian"], f"Client {number}")
        services.accept(token, client)
        made["clients"].append(client)
    return made


if __name__ in ("__main__", "<run_path>"):  # manage.py shell -c "import runpy; runpy.run_path(...)"
    create()
