"""Plan builder pages: the form, the plan (with swap, lock and regenerate), shopping list, exports, saved plans.

Views only route: rules live in `forms`/`profiles`, planning in `services` (started through `plan_tickets`,
which queues it via `jobs` when the worker queue is on), storage in `plan_store`, shaping in `plan_pages`.
"""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from config import page_cache
from config.rate_limits import rate_limited, solve, solves, user_account
from config.views import plans_busy

from . import form_prefill, jobs, plan_changes, plan_labels, plan_links, plan_pages, plan_store, plan_tickets
from .exports import table_csv, table_xlsx
from .forms import LAB_FIELDS, VALIDATED_FIELDS, PlanForm
from .models import Plan, Preference, Profile

EXPORT_TYPES = {
    "csv": ("text/csv; charset=utf-8", table_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", table_xlsx),
}
REGENERATED = "A new plan, keeping the meals you locked."
STILL_WAITING = "Your last plan is still being built: one plan at a time. Here it is."


def _form_context(request, form, prefill_notes=()):
    profiles = Profile.objects.owned_by(request.user)
    return {"form": form, "profiles": profiles, "prefill_notes": prefill_notes}


def _prefilled_form(request, initial=None):
    """The empty form with what other parts of the site know (the journal's latest labs), then `initial` on top.

    Its fields are rendered once for each set of values and kept in the page cache (`page_cache.cached`): keyed by
    every value and note they show, so a change to any shows at once, and by the person whose values they are, so
    nobody is served fields rendered for someone else (the fields with no values are the same for everyone, and
    shared). They hold no CSRF token: it sits outside them, in the form."""
    prefill = form_prefill.prefill_for(request.user)
    values = {**prefill.initial, **(initial or {})}

    def build() -> str:
        form = PlanForm(initial=values)
        return render_to_string("planner/plan_form.html#plan-fields", {"form": form, "prefill_notes": prefill.notes})

    whose = request.user.pk if values or prefill.notes else None
    fields = page_cache.cached("plan-fields", (whose, sorted(values.items()), prefill.notes), build,
                               page_cache.PERSONAL_TIMEOUT if whose is not None else None)
    return {"form": None, "plan_fields": mark_safe(fields), "profiles": Profile.objects.owned_by(request.user)}  # noqa: S308


@solves(lambda: ("plan", *_in_request("plan")))
@vary_on_headers("HX-Request")
def plan_form(request):
    if request.method != "POST":
        if "profile" not in request.GET:  # the empty form: whole from the page cache for a plain visitor
            context = lambda: _prefilled_form(request, _preferred(request))  # noqa: E731
            return page_cache.page(request, "planner/plan_form.html", "plan-form", (), context)
        if not request.GET["profile"].isdigit():
            raise Http404
        profile = get_object_or_404(Profile.objects.owned_by(request.user), pk=request.GET["profile"])
        initial = PlanForm.initial_from({**profile.profile_data(), **_preferred(request)})
        return render(request, "planner/plan_form.html", _prefilled_form(request, initial))
    form = PlanForm(request.POST)
    if not form.is_valid():
        template = "planner/plan_form.html#plan-form" if request.htmx else "planner/plan_form.html"
        return render(request, template, _form_context(request, form))
    # Only plans that would be built count (a form with mistakes is answered above); one at a time per visitor.
    return solve(request, ("plan", *_in_request("plan")), lambda: _start_plan(request, form), user_account(request))


def _in_request(group: str) -> tuple[str, ...]:
    """The smaller allowance a group also counts against when plans are built in the web request."""
    return () if jobs.queue_enabled() else (f"{group}-in-request",)


def _start_plan(request, form):
    profile_data = form.profile_data()
    if request.POST.get("units"):
        Preference.remember_units(request.user, form.profile.units)
    if "save_profile" in request.POST and request.user.is_authenticated:
        name = request.POST.get("profile_name", "").strip()[:100] or "Me"
        plan_store.save_profile(request.user, name, form.profile.to_dict())
        messages.success(request, f"Profile “{name}” saved.")
    try:
        started = plan_tickets.start_new(request, profile_data)
    except jobs.QueueFull:
        return plans_busy(request)
    return _go(request, _started_url(started, request))


@require_POST
def validate_field(request, name):
    if name not in VALIDATED_FIELDS:
        raise Http404
    form = PlanForm(request.POST)
    form.is_valid()
    unit = form[f"{name}_unit"] if name in LAB_FIELDS else None
    return render(request, "planner/plan_form.html#field", {"field": form[name], "unit": unit, "validate": True})


def record_url(record):
    return reverse("planner:detail", args=[record.key])


def _started_url(started, request=None):
    if started.already_waiting and request is not None:
        messages.info(request, STILL_WAITING)
    return reverse("planner:wait", args=[started.ticket]) if started.ticket else record_url(started.record)


def _go(request, url):
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _preferred(request) -> dict:
    """The units a signed-in person chose last, as profile data ({} if they never chose)."""
    units = Preference.units_for(request.user)
    return {"units": units} if units else {}


def _get_plan(request, key):
    """The plan, shown in the units its viewer chose last when they are signed in."""
    record = plan_store.get_plan(request, key)
    record.profile_data = {**record.profile_data, **_preferred(request)}
    return record


def plan_detail(request, key):
    record = _get_plan(request, key)
    show_recipes = request.GET.get("recipes") == "open"
    label = plan_labels.labels_for(request.user, [record.saved.pk]).get(record.saved.pk) if record.saved else None
    links = plan_links.links_for(request.user, [record.saved]).get(record.saved.pk, []) if record.saved else []
    context = {
        "record": record,
        "show_recipes": show_recipes,
        "label": label,
        "links": links,
        **plan_pages.plan_view(record),
    }
    # One day with its recipes open, to print and cook from: "?day=2&recipes=open".
    only = request.GET.get("day", "")
    if only:
        days = [day for day in context["days"] if str(day["day"]) == only]
        if not days:
            raise Http404
        context.update(days=days, only_day=days[0], all_days=len(context["days"]))
    return render(request, "planner/plan.html", context)


def plan_recipe(request, key, day, slot):
    """One planned meal's recipe: its own printable page, or the recipe fragment for htmx."""
    record = _get_plan(request, key)
    meal = plan_pages.find_meal(record, day, slot)
    if meal is None or not meal["recipe"]:
        raise Http404
    context = {
        "record": record,
        "meal": meal,
        "recipe": meal["recipe"],
        "units": plan_pages.display_units(record),
        "recipe_page": not request.htmx,  # the page lists the ingredients once, above the method
    }
    return render(request, "planner/recipe.html#recipe" if request.htmx else "planner/recipe.html", context)


@require_POST
def plan_units(request, key):
    """Show this plan (and, for a signed-in person, every plan) in metric or US units."""
    record = plan_store.get_plan(request, key)
    units = request.POST.get("units")
    if units not in ("metric", "us"):
        raise Http404
    record.profile_data = {**record.profile_data, "units": units}
    plan_store.put_plan(request, record)
    Preference.remember_units(request.user, units)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
        back = record_url(record)
    return redirect(back)


def _changed_day(request, record, day, before=None):
    plan_store.put_plan(request, record)
    if request.htmx:
        others = plan_pages.linked_days(before, record.document.get("days", []), day) if before is not None else []
        context = {
            "record": record,
            "day": plan_pages.one_day_view(record, day),
            "others": [plan_pages.one_day_view(record, other) for other in others],
        }
        return render(request, "planner/plan.html#changed-days", context)
    return redirect(record_url(record))


@require_POST
@vary_on_headers("HX-Request")
@rate_limited("swap", solves=True)
def plan_swap(request, key, day, slot):
    record = _get_plan(request, key)
    before = plan_changes.meal_words(record, day, slot)
    days_before = record.document.get("days", [])  # swap_meal gives a new document and leaves this one be
    try:
        plan_store.swap(record, day, slot)
    except plan_store.NoSuchMeal:
        raise Http404 from None
    response = _changed_day(request, record, day, days_before)
    plan_changes.changed(request.user, record.saved, plan_changes.SWAPPED,
                         plan_changes.swap_words(before, record, day, slot))
    return response


@require_POST
@vary_on_headers("HX-Request")
def plan_lock(request, key, day, slot):
    record = _get_plan(request, key)
    try:
        locked = plan_store.lock(record, day, slot)
    except plan_store.NoSuchMeal:
        raise Http404 from None
    response = _changed_day(request, record, day)
    action = plan_changes.LOCKED if locked else plan_changes.UNLOCKED
    plan_changes.changed(request.user, record.saved, action, plan_changes.meal_words(record, day, slot))
    return response


@require_POST
@vary_on_headers("HX-Request")
@rate_limited("regenerate", also=lambda: _in_request("regenerate"), solves=True)
def plan_regenerate(request, key):
    try:
        started = plan_tickets.start_regenerate(request, plan_store.get_plan(request, key))
    except jobs.QueueFull:
        return plans_busy(request)
    if started.record:
        messages.success(request, REGENERATED)
    return _go(request, _started_url(started, request))


@vary_on_headers("HX-Request")
def plan_wait(request, ticket):
    """A queued plan: 'building' (htmx polls this URL), then off to the plan; or a clear message if it failed."""
    entry = plan_tickets.entry(request, ticket)
    if entry is None:
        raise Http404
    if "plan" in entry:
        return _go(request, reverse("planner:detail", args=[entry["plan"]]))
    state = jobs.job_state(ticket)
    if state.status == jobs.DONE:
        record = plan_tickets.finish(request, ticket, state.document)
        if plan_tickets.is_regenerate(entry):
            messages.success(request, REGENERATED)
        return _go(request, record_url(record))
    if state.status == jobs.WAITING:
        return render(request, "planner/wait.html#poll" if request.htmx else "planner/wait.html", {"waiting": True})
    if request.htmx:
        return HttpResponseClientRedirect(request.path)  # the whole page, with the message
    status = 503 if state.status == jobs.UNAVAILABLE else 200
    return render(request, "planner/wait.html", {"problem": state.status}, status=status)


def plan_shopping(request, key):
    record = _get_plan(request, key)
    context = {"record": record, "groups": plan_pages.shopping_view(record), "units": plan_pages.display_units(record)}
    return render(request, "planner/shopping.html", context)


def plan_export(request, key, fmt):
    if fmt not in EXPORT_TYPES:
        raise Http404
    record = plan_store.get_plan(request, key)
    content_type, write = EXPORT_TYPES[fmt]
    response = HttpResponse(write(plan_pages.export_table(record)), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="restful-plate-plan-{record.key}.{fmt}"'
    return response


@login_required
def plan_save(request, key):
    record = plan_store.get_plan(request, key)
    if request.method == "POST":
        name = request.POST.get("name", "").strip()[:120] or "My plan"
        plan = plan_store.save_for_user(request, record, name)
        messages.success(request, f"Saved “{plan.name}”.")
        return redirect("planner:detail", key=str(plan.pk))
    return render(request, "planner/save.html", {"record": record})


@login_required
def saved(request):
    plans = list(Plan.objects.owned_by(request.user).only("pk", "owner", "name", "updated_at"))
    labels = plan_labels.labels_for(request.user, [plan.pk for plan in plans])
    links = plan_links.links_for(request.user, plans)
    for plan in plans:
        plan.label = labels.get(plan.pk)
        plan.links = links.get(plan.pk, [])
    context = {
        "plans": plans,
        "profiles": Profile.objects.owned_by(request.user),
    }
    return render(request, "planner/saved.html", context)


def _owned(request, kind, pk):
    if kind not in ("plan", "profile"):
        raise Http404
    model = Plan if kind == "plan" else Profile
    return get_object_or_404(model.objects.owned_by(request.user), pk=pk)


@login_required
@require_POST
def rename(request, kind, pk):
    obj = _owned(request, kind, pk)
    name = request.POST.get("name", "").strip()
    if not name:
        messages.error(request, "Name: please enter a name.")
    else:
        obj.name = name[: obj._meta.get_field("name").max_length]
        obj.save()
        if kind == "plan":
            plan_changes.changed(request.user, obj, plan_changes.RENAMED, obj.name)
        messages.success(request, f"Renamed to “{obj.name}”.")
    return redirect("planner:saved")


@login_required
@require_POST
def delete(request, kind, pk):
    obj = _owned(request, kind, pk)
    if kind == "plan":
        plan_changes.changed(request.user, obj, plan_changes.DELETED)
    obj.delete()
    messages.success(request, f"Deleted “{obj.name}”.")
    return redirect("planner:saved")
