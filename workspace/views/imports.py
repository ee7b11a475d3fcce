"""Import pages: the batches so far, a food spreadsheet (preview, then confirm) and foods from FDC by id.

The same modules as the management commands do the work (`nutrition.importers.*`).
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.views.decorators.http import require_POST

from config.uploads import refused_uploads, upload_max_bytes
from nutrition.importers.fdc import import_fdc as fdc_import
from nutrition.importers.fdc import parse_ids
from nutrition.importers.food_records import ImportRefused
from nutrition.importers.spreadsheet import check_file, import_frame

from .. import selectors, services
from ..access import dietitian_required
from ..forms import FdcImportForm, FoodsUploadForm


@dietitian_required
def import_list(request):
    batches = selectors.recent_batches(100)
    context = {"batches": batches, "upload_form": FoodsUploadForm(), "fdc_form": FdcImportForm()}
    return render(request, "workspace/imports.html", context)


@dietitian_required
def import_foods(request):
    """GET: the upload form. POST: check the file and show what importing it would change (nothing saved)."""
    form = FoodsUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and refused_uploads(request):  # dropped while it streamed: nothing was stored
        form.is_valid()
        form.errors["file"] = form.error_class([f"The file is larger than {filesizeformat(upload_max_bytes())}."])
        return render(request, "workspace/import_foods.html", {"form": form}, status=413)
    if request.method != "POST" or not form.is_valid():
        return render(request, "workspace/import_foods.html", {"form": form}, status=400 if form.errors else 200)
    upload = form.cleaned_data["file"]
    data = upload.read()
    plan, frame = check_file(data, upload.name)
    context = {"form": form, "plan": plan, "filename": upload.name}
    if plan.ok:
        fingerprint = services.fingerprint(data)
        context["token"] = services.stash_upload(request.user, frame, upload.name, fingerprint)
        context["fingerprint"] = fingerprint
    return render(request, "workspace/import_foods.html", context, status=200 if plan.ok else 400)


@dietitian_required
@require_POST
def import_foods_confirm(request):
    token = request.POST.get("token", "")
    stashed = services.stashed_upload(request.user, token)
    if stashed is None or stashed[2] != request.POST.get("fingerprint"):
        messages.error(request, "That preview has expired or does not match: upload the file again.")
        return redirect("workspace:import_foods")
    frame, filename, _ = stashed
    plan, batch = import_frame(frame, filename, user=request.user)  # the sheet as read for the preview
    services.drop_upload(request.user, token)
    if batch is None:  # the database changed since the preview and the sheet no longer fits it
        return render(request, "workspace/import_foods.html", {"form": FoodsUploadForm(), "plan": plan}, status=400)
    messages.success(request, f"Imported {filename}: {plan.summary()}.")
    return redirect("workspace:import_list")


@dietitian_required
@require_POST
def import_fdc(request):
    form = FdcImportForm(request.POST)
    if form.is_valid():
        try:
            imported = fdc_import(ids=parse_ids(form.cleaned_data["ids"]), user=request.user)
        except ImportRefused as exc:
            messages.error(request, "Nothing was imported: " + "; ".join(exc.problems))
        else:
            result = imported.result
            text = f"FDC import: {result.created} created, {result.updated} updated, {result.unchanged} unchanged."
            if imported.missing_ids:
                text += " FDC does not know: " + ", ".join(map(str, imported.missing_ids)) + "."
            messages.success(request, text)
            for warning in imported.warnings:
                messages.warning(request, f"Check: {warning}.")
    else:
        messages.error(request, "Give one or more FDC ids, separated by commas.")
    return redirect("workspace:import_list")
