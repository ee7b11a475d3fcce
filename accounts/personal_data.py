"""Everything a person owns here, to download as JSON or to delete with their account.

What a person owns: their account, their saved profiles and plans (`planner`), their journal (labs, nights,
meals eaten, iron courses), and their sharings with dietitians (`practice.personal_data`). Curated foods, meals
and articles are the site's, not theirs; history rows that dietitians' and editors' edits left keep the change
but lose the name (Django's SET_NULL on the user).
"""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from journal.access import open_journal
from journal.exports import records
from planner.models import Plan, Profile
from practice.client_plans import before_account_deletion
from practice.personal_data import sharing_data


def personal_data(user) -> dict:
    profiles = [
        {"name": p.name, "created_at": p.created_at, "updated_at": p.updated_at, **p.profile_data()}
        for p in Profile.objects.owned_by(user).order_by("pk")
    ]
    plans = [
        {
            "name": p.name,
            "created_at": p.created_at,
            "updated_at": p.updated_at,
            "profile": p.profile_data,
            "locked": p.locked,
            "seed": p.seed,
            "document": p.document,
        }
        for p in Plan.objects.owned_by(user).order_by("pk")
    ]
    return {
        "exported_at": timezone.now(),
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "profiles": profiles,
        "plans": plans,
        "journal": records(open_journal(user)),
        "sharing": sharing_data(user),
    }


def personal_data_json(user) -> bytes:
    return json.dumps(personal_data(user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode("utf-8")


def delete_account(user) -> None:
    """The account and everything it owns (profiles, plans and journal go with it: CASCADE), in one transaction.

    Sharings go too, on both sides (CASCADE), with a dietitian's private notes about a client who deletes their
    account. Plans a dietitian built and never published are deleted with either account; a published plan is
    the client's and stays with them, with its message, when the dietitian's account is deleted."""
    with transaction.atomic():
        before_account_deletion(user)
        user.delete()
