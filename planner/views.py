"""Plan builder pages: the form, the plan (with swap, lock and regenerate), shopping list, exports, saved plans.

Views only route: rules live in `forms`/`profiles`, planning in `services` (started through `plan_tickets`,
which queues it via `jobs` when the worker queue is on), storage in `plan_store`, shaping in `plan_pages`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from nutrition import cache as page_cache

from . import jobs, plan_pages, plan_store, plan_tickets
from .exports import table_csv, table_xlsx
from .forms import VALIDATED_FIELDS, PlanForm
from .models import Plan, Profile

EXPORT_TYPES = {
    "csv": ("text/csv; charset=utf-8", table_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", table_xlsx),
}
REGENERATED = "A new plan, keeping the meals you locked."


def _form_context(request, form):
    profiles = Profile.objects.owned_by(request.user)
    return {"form": form, "profiles": profiles}


def plan_form(request):
    if request.method != "POST":
        if "profile" not in request.GET:  # the empty form: whole from the page cache for a plain visitor
            context = lambda: _form_context(request, PlanForm())  # noqa: E731
            return page_cache.page(request, "planner/plan_form.html", "plan-form", (), context)
        if not request.GET["profile"].isdigit():
            raise Http404
        profile = get_object_or_404(Profile.objects.owned_by(request.user), pk=request.GET["profile"])
        initial = PlanForm.initial_from(profile.profile_data())
        return render(request, "planner/plan_form.html", _form_context(request, PlanForm(initial=initial)))
    form = PlanForm(request.POST)
    if not form.is_valid():
        template = "planner/plan_form.html#plan-form" if request.htmx else "planner/plan_form.html"
        return render(request, template, _form_context(request, form))
    profile_data = form.profile_data()
    if "save_profile" in request.POST and request.user.is_authenticated:
        name = request.POST.get("profile_name", "").strip()[:100] or "Me"
        plan_store.save_profile(request.user, name, form.profile.to_dict())
        messages.success(request, f"Profile “{name}” saved.")
    started = plan_tickets.start_new(request, profile_data)
    return _go(request, _started_url(started))


@require_POST
def validate_field(request, name):
    if name not in VALIDATED_FIELDS:
        raise Http404
    form = PlanForm(request.POST)
    form.is_valid()
    return render(request, "planner/plan_form.html#field", {"field": form[name], "validate": True})


def record_url(record):
    return reverse("planner:detail", args=[record.key])


def _started_url(started):
    return reverse("planner:wait", args=[started.ticket]) if started.ticket else record_url(started.record)


def _go(request, url):
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def plan_detail(request, key):
    record = plan_store.get_plan(request, key)
    context = {"record": record, **plan_pages.plan_view(record)}
    return render(request, "planner/plan.html", context)


def _changed_day(request, record, day):
    plan_store.put_plan(request, record)
    if request.htmx:
        return render(request, "planner/plan.html#day", {"record": record, "day": plan_pages.one_day_view(record, day)})
    return redirect(record_url(record))


@require_POST
def plan_swap(request, key, day, slot):
    record = plan_store.get_plan(request, key)
    try:
        plan_store.swap(record, day, slot)
    except plan_store.NoSuchMeal:
        raise Http404 from None
    return _changed_day(request, record, day)


@require_POST
def plan_lock(request, key, day, slot):
    record = plan_store.get_plan(request, key)
    try:
        plan_store.lock(record, day, slot)
    except plan_store.NoSuchMeal:
        raise Http404 from None
    return _changed_day(request, record, day)


@require_POST
def plan_regenerate(request, key):
    started = plan_tickets.start_regenerate(request, plan_store.get_plan(request, key))
    if started.record:
        messages.success(request, REGENERATED)
    return _go(request, _started_url(started))


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
    record = plan_store.get_plan(request, key)
    return render(request, "planner/shopping.html", {"record": record, "groups": plan_pages.shopping_view(record)})


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
    context = {
        "plans": Plan.objects.owned_by(request.user).only("pk", "name", "updated_at"),
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
        messages.success(request, f"Renamed to “{obj.name}”.")
    return redirect("planner:saved")


@login_required
@require_POST
def delete(request, kind, pk):
    obj = _owned(request, kind, pk)
    obj.delete()
    messages.success(request, f"Deleted “{obj.name}”.")
    return redirect("planner:saved")
