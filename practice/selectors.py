"""Reads for the dietitian's pages. Every client's data is read through `journal.access.open_journal`, so a
sharing that ends between two requests is refused on the next one."""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Max, Q
from django.utils import timezone

from journal.access import Journal, open_journal
from journal.models import LabResult, MealMark, Night
from journal.trends import eaten_frame
from nutrition.models import RLS_NUTRIENTS
from planner.labs import ferritin_band
from planner.models import Profile

from .models import ClientLink, ClientNote

# Short names for the AASM 2024 ferritin bands (planner.labs holds the thresholds and their source).
FERRITIN_BAND_LABELS = {
    "iron_therapy": "iron therapy band",
    "iv_only": "IV-only band",
    "no_iron_therapy": "no iron therapy",
    "above_child_threshold": "above child threshold",
}
SORTS = ("name", "last_entry", "ferritin", "severity", "eaten")


def latest_profile(journal: Journal) -> Profile | None:
    return journal.entries(Profile).order_by("-updated_at", "-pk").first()


def ferritin(journal: Journal, age: int | None) -> dict | None:
    result = journal.entries(LabResult).filter(lab="ferritin").order_by("-date", "-pk").first()
    if result is None:
        return None
    band = ferritin_band(result.value, age=age)
    return {
        "value": result.value,
        "date": result.date,
        "band": FERRITIN_BAND_LABELS.get(band.key, band.key),
        "reason": band.text,
    }


def last_entry(journal: Journal) -> dt.date | None:
    dates = [journal.entries(model).aggregate(last=Max("date"))["last"] for model in (Night, LabResult, MealMark)]
    dates = [d for d in dates if d]
    return max(dates) if dates else None


def severity_means(journal: Journal, today: dt.date) -> tuple[float | None, float | None]:
    """Mean night severity over the last 4 weeks (28 days up to today) and over the 4 weeks before."""
    recent_from = today - dt.timedelta(days=27)
    before_from = recent_from - dt.timedelta(days=28)
    means = journal.entries(Night).aggregate(
        recent=Avg("severity", filter=Q(date__range=(recent_from, today))),
        before=Avg("severity", filter=Q(date__range=(before_from, recent_from - dt.timedelta(days=1)))),
    )
    return means["recent"], means["before"]


def eaten_share(journal: Journal, today: dt.date) -> float | None:
    """Share (0-1) of the six targets eaten over the last 7 days: each target's share capped at 100% (so more
    iron cannot hide too little folate), averaged over targets and fully marked days; None with no such day."""
    frame = eaten_frame(journal, today - dt.timedelta(days=6), today)
    if frame.empty:
        return None
    shares = frame[list(RLS_NUTRIENTS)].astype("float64").clip(upper=1.0)
    mean = shares.stack().mean()
    return None if mean != mean else float(mean)


def client_summary(journal: Journal, link: ClientLink, today: dt.date) -> dict:
    profile = latest_profile(journal)
    recent, before = severity_means(journal, today)
    return {
        "link": link,
        "client": journal.person,
        "name": link.client_name,
        "profile": profile,
        "last_entry": last_entry(journal),
        "ferritin": ferritin(journal, profile.age if profile else None),
        "severity_recent": recent,
        "severity_before": before,
        "eaten": eaten_share(journal, today),
    }


def _sort_key(sort: str):
    def key(row):
        value = {
            "name": row["name"].casefold(),
            "last_entry": row["last_entry"],
            "ferritin": row["ferritin"]["value"] if row["ferritin"] else None,
            "severity": row["severity_recent"],
            "eaten": row["eaten"],
        }[sort]
        return (value is None, value if value is not None else 0)

    return key


def client_rows(dietitian, *, sort: str = "name", descending: bool = False, query: str = "") -> list[dict]:
    """One summary per active client of `dietitian`, filtered by name and sorted (unknown values last)."""
    today = timezone.localdate()
    links = ClientLink.objects.active().of_dietitian(dietitian).select_related("client")
    if query:
        links = links.filter(Q(client_name__icontains=query) | Q(client__username__icontains=query))
    rows = [client_summary(open_journal(dietitian, link.client), link, today) for link in links]
    sort = sort if sort in SORTS else "name"
    known = [r for r in rows if _sort_key(sort)(r)[0] is False]
    unknown = [r for r in rows if _sort_key(sort)(r)[0] is True]
    known.sort(key=_sort_key(sort), reverse=descending)
    return known + unknown


def pending_invitations(dietitian):
    return ClientLink.objects.of_dietitian(dietitian).filter(
        state=ClientLink.State.INVITED, expires_at__gt=timezone.now()
    )


def active_link(dietitian, client) -> ClientLink | None:
    return ClientLink.objects.active().filter(dietitian=dietitian, client=client).first()


def notes(dietitian, client):
    return ClientNote.objects.filter(dietitian=dietitian, client=client)


def sharings_of(client):
    """The client's own view: the dietitians they share with now."""
    return ClientLink.objects.active().filter(client=client).select_related("dietitian")


def profiles(journal: Journal):
    return journal.entries(Profile).order_by("-updated_at", "-pk")
