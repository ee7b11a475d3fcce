"""Import pages: the batches so far, a food spreadsheet (preview, then confirm) and foods from FDC by id.

The same modules as the management commands do the work (`nutrition.importers.*`).
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from nutrition.importers.fdc import FdcError, parse_ids
from nutrition.importers.fdc import import_fdc as fdc_import
from nutrition.importers.spreadsheet import import_foods_file
from nutrition.models import ImportBatch

from .. import services
from ..access import dietitian_required
from ..forms import FdcImportForm, FoodsUploadForm

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dietitian_required
def import_list(request):
    batches = ImportBatch.objects.select_related("user")[:100]
    context = {"batches": batches, "upload_form": FoodsUploadForm(), "fdc_form": FdcImportForm()}
    return render(request, "workspace/imports.html", context)


@dietitian_required
def import_foods(request):
    """GET: the upload form. POST: check the file and show what importing it would change (nothing saved)."""
    form = FoodsUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "workspace/import_foods.html", {"form": form}, status=400 if form.errors else 200)
    upload = form.cleaned_data["file"]
    if upload.size > MAX_UPLOAD_BYTES:
        form.add_error("file", "The file is larger than 20 MB.")
        return render(request, "workspace/import_foods.html", {"form": form}, status=400)
    data = upload.read()
    plan, _ = import_foods_file(data, upload.name, dry_run=True)
    context = {"form": form, "plan": plan, "filename": upload.name}
    if plan.ok:
        context["token"] = services.stash_upload(request.user, data, upload.name)
        context["fingerprint"] = services.fingerprint(data)
    return render(request, "workspace/import_foods.html", context, status=200 if plan.ok else 400)


@dietitian_required
@require_POST
def import_foods_confirm(request):
    token = request.POST.get("token", "")
    stashed = services.stashed_upload(request.user, token)
    if stashed is None or services.fingerprint(stashed[0]) != request.POST.get("fingerprint"):
        messages.error(request, "That preview has expired or does not match: upload the file again.")
        return redirect("workspace:import_foods")
    data, filename = stashed
    plan, batch = import_foods_file(data, filename, user=request.user)
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
        except FdcError as exc:
            messages.error(request, f"Nothing was imported: {exc}")
        else:
            result = imported.result
            text = f"FDC import: {result.created} created, {result.updated} updated, {result.unchanged} unchanged."
            if imported.missing_ids:
                text += " FDC does not know: " + ", ".join(map(str, imported.missing_ids)) + "."
            messages.success(request, text)
    else:
        messages.error(request, "Give one or more FDC ids, separated by commas.")
    return redirect("workspace:import_list")
