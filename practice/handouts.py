"""Handouts: one saved plan as a printed document for the person who will eat it.

A handout holds a cover (the person's name, the plan's daily targets and why), each day's meals with household
measures and recipe steps, the shopping list, iron-absorption tips, the person's latest labs from their journal
(unit and band) and the disclaimer. The same context renders as a web page with print CSS and, through
WeasyPrint, as a PDF.

Nothing here recomputes the plan: portions, household measures, recipes and the shopping list come from the
plan document through `planner.plan_pages` (the planner's own plan and print views), in the units the person
chose. Who may see a handout is decided by `journal.access` (the owner, or the dietitian of an active sharing
through `practice.access.client_journal`); this module only takes the `Journal` they opened.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from journal.access import Journal
from journal.labs_view import DRAW_ADVICE, lab_rows
from journal.selectors import latest_labs
from nutrition.models import RLS_NUTRIENTS
from nutrition.selectors import amounts_per_100g
from planner import labs as lab_rules
from planner import plan_labels, plan_pages
from planner.models import Plan, Preference
from planner.plan_links import PlanLink
from planner.plan_store import saved_record
from planner.profiles import ProfileError, parse_profile
from planner.services import ABSORPTION_TIP, DISCLAIMER
from planner.targets import lab_assessment

PDF_CSS = "css/handout.css"  # the handout's own styles (screen, print and the PDF's pages)
TIPS_BLOCKED = (
    "Tips for absorbing more iron are left out of this handout: {reason} Ask your clinician before eating for more "
    "iron."
)


def handout_plan(journal: Journal, plan_pk: int) -> Plan:
    """One of the journal person's saved plans (their own, or one their dietitian built for them), or 404."""
    return get_object_or_404(journal.plans(), pk=plan_pk)


def _units(plan: Plan) -> str:
    """The units the plan's owner chose last (as the planner shows their plans), else the plan's own."""
    return Preference.units_for(plan.owner) or ("us" if (plan.profile_data or {}).get("units") == "us" else "metric")


def _plan_blocks(profile_data: dict) -> dict:
    """What the labs the plan was built with block (an unreadable old profile blocks nothing it can show)."""
    try:
        return lab_assessment(parse_profile(profile_data)).blocks
    except ProfileError:
        return {}


def _tips(record, labs: dict) -> dict:
    """The iron-absorption tips, unless the plan's labs or the journal's latest labs say iron must not go up."""
    profile = record.profile_data or {}
    values = {name: result.value for name, result in labs.items()}
    journal_blocks = lab_rules.assess(
        values, age=profile.get("age"), sex=profile.get("sex"), life_stage=profile.get("life_stage") or "none"
    ).blocks
    blocked = {**_plan_blocks(profile), **journal_blocks}.get("iron")
    if blocked:
        return {"tips": [], "blocked": TIPS_BLOCKED.format(reason=blocked[0].upper() + blocked[1:].rstrip(".") + ".")}
    tips = [part.strip().rstrip(".") for part in ABSORPTION_TIP.split(";")]
    return {"tips": [f"{tip[0].upper()}{tip[1:]}." for tip in tips], "blocked": ""}


def _coverage(document: dict, days: list[dict]) -> dict[int, list[dict]]:
    """Each day against the RLS targets: the day's total where every food reports the nutrient; 'at least' where
    some food does not (the totals count an unknown as 0); unknown where the plan carries no total."""
    targets = document.get("targets", {})
    food_ids = {item["food_id"] for day in days for meal in day["meals"] for item in meal["items"]}
    known = amounts_per_100g(food_ids)
    by_day = {d["day"]: d for d in document.get("days", [])}
    coverage = {}
    for day in days:
        totals = by_day.get(day["day"], {}).get("totals", {})
        rows = []
        for code in RLS_NUTRIENTS:
            if code not in targets:
                continue
            t = targets[code]
            total = totals.get(code)
            missing = sorted(
                {i["food"] for m in day["meals"] for i in m["items"] if code not in known.get(i["food_id"], {})}
            )
            target = t.get("target")
            rows.append(
                {
                    "name": t.get("name", code),
                    "unit": t.get("unit", ""),
                    "total": total,
                    "target": target,
                    "percent": round(100 * total / target) if total is not None and target else None,
                    "missing": missing,
                }
            )
        coverage[day["day"]] = rows
    return coverage


def handout_context(journal: Journal, plan: Plan, *, name: str, prepared_by: str = "") -> dict:
    """Everything a handout shows, for the browser page and the PDF alike."""
    record = saved_record(plan)
    record.profile_data = {**(record.profile_data or {}), "units": _units(plan)}  # shown in them, never saved
    facts = plan_pages.plan_facts(record)  # read once for the days and the shopping list
    view = plan_pages.plan_view(record, facts)
    coverage = _coverage(record.document, view["days"])
    for day in view["days"]:
        day["coverage"] = coverage[day["day"]]
    labs = latest_labs(journal)
    profile = record.profile_data
    notes = [n for n in view["notes"] if n not in (ABSORPTION_TIP, DISCLAIMER)]
    label = plan_labels.labels_for(plan.owner, [plan.pk]).get(plan.pk)  # "From your dietitian ...", their message
    return {
        "plan": plan,
        "label": label,
        "name": name,
        "prepared_by": prepared_by,
        "made_on": timezone.localdate(),
        "profile": {
            "age": profile.get("age"),
            "sex": profile.get("sex"),
            "diet": profile.get("diet"),
        },
        "units": view["units"],
        "days": view["days"],
        "focus_targets": view["focus_targets"],
        "notes": notes,
        "shopping": plan_pages.shopping_view(record, facts),
        # bands for the plan's age (a child's ferritin threshold differs); without one, the latest profile's
        "labs": lab_rows(labs.values(), journal.person, age=profile["age"] if profile.get("age") is not None else ...),
        "draw_advice": DRAW_ADVICE,
        **_tips(record, labs),
        "disclaimer": DISCLAIMER,
    }


# --- PDF ---------------------------------------------------------------------------------------------------------
# WeasyPrint is imported on first use (it loads Pango through cffi), and its font configuration and the parsed
# stylesheet are kept for the life of the process: parsing them is a good part of a small document's time.
_lock = threading.Lock()


@cache
def _weasy():
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    # The handout needs nothing from outside its HTML: no file, no network, whatever a plan's text holds.
    fetcher = URLFetcher(allowed_protocols=())
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # seven INFO lines a PDF otherwise
    fonts = FontConfiguration()
    path = finders.find(PDF_CSS) or str(Path(settings.STATIC_ROOT or ".") / PDF_CSS)
    css = CSS(string=Path(path).read_text(encoding="utf-8"), font_config=fonts, url_fetcher=fetcher)
    return HTML, css, fonts, fetcher


def handout_pdf(context: dict) -> bytes:
    """The handout as PDF bytes (the print template `practice/handout_pdf.html`, A4, fonts embedded)."""
    html_class, css, fonts, fetcher = _weasy()
    html = render_to_string("practice/handout_pdf.html", context)
    with _lock:  # one FontConfiguration is shared: render one document at a time per process
        document = html_class(string=html, url_fetcher=fetcher, base_url="/")
        return document.write_pdf(stylesheets=[css], font_config=fonts)


def filename(plan: Plan, day: dt.date | None = None) -> str:
    day = day or timezone.localdate()
    return f"restful-plate-handout-{plan.pk}-{day:%Y-%m-%d}.pdf"


def handout_links(user, plans) -> dict[int, list[PlanLink]]:
    """`planner.plan_links` provider: the printable handout of each saved plan `user` owns (the planner passes only
    those), on their plan page and in their saved plans."""
    return {
        plan.pk: [PlanLink("Handout to print", reverse("practice:handout", kwargs={"plan": plan.pk}))] for plan in plans
    }
