"""Reads for the dietitian's pages. Every client's data is read through `journal.access.open_journal`, so a
sharing that ends between two requests is refused on the next one."""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Max, Q, Value
from django.utils import timezone

from journal.access import Journal, entries_of, open_journals
from journal.models import LabResult, MealMark, Night
from journal.trends import eaten_frames
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


def _ferritin(result: LabResult | None, age: int | None) -> dict | None:
    if result is None:
        return None
    band = ferritin_band(result.value, age=age)
    return {
        "value": result.value,
        "date": result.date,
        "band": FERRITIN_BAND_LABELS.get(band.key, band.key),
        "reason": band.text,
    }


def _first_per_owner(rows) -> dict:
    """The first row of each owner from rows ordered by owner and then newest first."""
    found: dict = {}
    for row in rows:
        found.setdefault(row.owner_id, row)
    return found


def summaries(journals: list[Journal], today: dt.date) -> dict[int, dict]:
    """The list's figures for each of these journals, by person id, in a fixed number of queries (at most seven)
    whatever their number: last entry (one), latest ferritin, latest profile, night severities, and, when a
    journal has a mark in the last 7 days, those marks and their foods' amounts."""
    if not journals:
        return {}
    last = {j.person.pk: [] for j in journals}
    last_mark = {}
    latest = [
        entries_of(journals, model)
        .values("owner")
        .annotate(last=Max("date"), marks=Value(model is MealMark))
        .values_list("owner", "last", "marks")
        .order_by()
        for model in (Night, LabResult, MealMark)
    ]
    for owner, date, marks in latest[0].union(*latest[1:], all=True):  # one query for the three
        last[owner].append(date)
        if marks:
            last_mark[owner] = date
    ferritins = _first_per_owner(
        entries_of(journals, LabResult).filter(lab="ferritin").order_by("owner", "-date", "-pk")
    )
    profiles = _first_per_owner(entries_of(journals, Profile).order_by("owner", "-updated_at", "-pk"))
    recent_from = today - dt.timedelta(days=27)
    before_from = recent_from - dt.timedelta(days=28)
    severities = {
        row["owner"]: row
        for row in entries_of(journals, Night)
        .values("owner")
        .annotate(
            recent=Avg("severity", filter=Q(date__range=(recent_from, today))),
            before=Avg("severity", filter=Q(date__range=(before_from, recent_from - dt.timedelta(days=1)))),
        )
    }
    # Only the journals with a mark in the last 7 days have a share eaten (the others' frames would be empty): the
    # frames are built for those alone, and not at all when there is none.
    eaten_from = today - dt.timedelta(days=6)
    marked = [j for j in journals if last_mark.get(j.person.pk) is not None and last_mark[j.person.pk] >= eaten_from]
    frames = eaten_frames(marked, eaten_from, today) if marked else {}
    result = {}
    for journal in journals:
        pk = journal.person.pk
        profile = profiles.get(pk)
        severity = severities.get(pk, {})
        result[pk] = {
            "client": journal.person,
            "profile": profile,
            "last_entry": max(last[pk]) if last[pk] else None,
            "ferritin": _ferritin(ferritins.get(pk), profile.age if profile else None),
            "severity_recent": severity.get("recent"),
            "severity_before": severity.get("before"),
            "eaten": _eaten_share(frames[pk]) if pk in frames else None,
        }
    return result


def _eaten_share(frame) -> float | None:
    """Share (0-1) of the six targets eaten over the last 7 days: each target's share capped at 100% (so more
    iron cannot hide too little folate), averaged over targets and fully marked days; None with no such day."""
    if frame.empty:
        return None
    shares = frame[list(RLS_NUTRIENTS)].astype("float64").clip(upper=1.0)
    mean = shares.stack().mean()
    return None if mean != mean else float(mean)


def client_summary(journal: Journal, link: ClientLink, today: dt.date) -> dict:
    return {"link": link, "name": link.client_name, **summaries([journal], today)[journal.person.pk]}


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


def active_links(dietitian, query: str = "") -> list[ClientLink]:
    """The dietitian's active sharings (with their clients), those whose name contains `query` if given."""
    links = ClientLink.objects.active().of_dietitian(dietitian).select_related("client")
    if query:
        links = links.filter(Q(client_name__icontains=query) | Q(client__username__icontains=query))
    return list(links)


def active_link_stamps(dietitian, query: str = "") -> list[tuple]:
    """What the clients list shows of each of `active_links` (link id, client id, name, client's username): for
    the list's cache key (practice/cache.py), so that a sharing ended or started, a renamed client or a closed
    account moves it. One query, with no model built."""
    links = ClientLink.objects.active().of_dietitian(dietitian)
    if query:
        links = links.filter(Q(client_name__icontains=query) | Q(client__username__icontains=query))
    return list(links.values_list("pk", "client_id", "client_name", "client__username"))


def client_rows(
    dietitian, *, sort: str = "name", descending: bool = False, query: str = "", today=None
) -> list[dict]:
    """One summary per active client of `dietitian`, filtered by name and sorted (unknown values last); a fixed
    number of queries whatever the number of clients."""
    today = today or timezone.localdate()
    links = active_links(dietitian, query)
    journals = open_journals(dietitian, [link.client for link in links])
    found = summaries(journals, today)
    rows = [
        {"link": link, "name": link.client_name, **found[link.client_id]} for link in links if link.client_id in found
    ]
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
