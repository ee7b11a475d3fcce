"""Uploads within limits: a file past the size limit is dropped while it streams; an XLSX that inflates past the
limits (a zip bomb) or holds too many rows is refused before pandas reads it; a sheet is read once, for its
preview, and confirming imports what was previewed without reading the file again."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.core.management import CommandError, call_command
from django.urls import reverse

from nutrition.exports import export_foods
from nutrition.importers import spreadsheet
from nutrition.models import Food, ImportBatch

pytestmark = pytest.mark.django_db


class KeepingHandler(MemoryFileUploadHandler):
    """Stands for whatever stores an upload (memory or a temporary file): records how much of it reached it."""

    received = 0

    def handle_raw_input(self, *args, **kwargs):
        self.activated = True  # keep even a large file in memory, so that what it gets is what it would store

    def receive_data_chunk(self, raw_data, start):
        KeepingHandler.received += len(raw_data)
        return super().receive_data_chunk(raw_data, start)


def test_an_upload_past_the_limit_is_dropped_while_it_streams(signed_in, settings):
    settings.UPLOAD_MAX_BYTES = 200_000
    # Whatever the configured handlers are, the one that would store the file comes last.
    settings.FILE_UPLOAD_HANDLERS = [
        *[h for h in settings.FILE_UPLOAD_HANDLERS if not h.startswith("django.core.files.uploadhandler.")],
        f"{__name__}.KeepingHandler",
    ]
    KeepingHandler.received = 0
    big = io.BytesIO(b"id,name\n" + b"1,x\n" * 500_000)  # 2 MB
    big.name = "foods.csv"
    response = signed_in.post(reverse("workspace:import_foods"), {"file": big})
    assert response.status_code == 413
    assert "The file is larger than 195.3" in response.content.decode()
    assert KeepingHandler.received <= 200_000  # never more than the limit was handed on to be stored


def test_a_file_within_the_limit_is_read(signed_in, settings):
    settings.UPLOAD_MAX_BYTES = 200_000
    data = export_foods("csv", Food.objects.order_by("pk")[:3]).encode()
    response = signed_in.post(reverse("workspace:import_foods"), {"file": named(data, "foods.csv")})
    assert response.status_code == 200 and "3 unchanged" in response.content.decode()


def named(data: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def zip_bomb(inflated_bytes: int) -> bytes:
    """A real XLSX of three foods whose zip also holds a sheet that inflates to `inflated_bytes` of spaces."""
    buffer = io.BytesIO(export_foods("xlsx", Food.objects.order_by("pk")[:3]))
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/worksheets/sheet2.xml", "w", force_zip64=True) as sheet:
            chunk = b" " * (1 << 20)
            for _ in range(inflated_bytes >> 20):
                sheet.write(chunk)
    return buffer.getvalue()


def test_an_xlsx_that_inflates_hugely_is_refused_before_pandas_reads_it(tmp_path, monkeypatch):
    data = zip_bomb(256 << 20)  # 256 MiB of XML in a file of a few hundred kilobytes
    assert len(data) < 1 << 20
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(data)

    def never(*args, **kwargs):
        raise AssertionError("pandas was asked to read the zip bomb")

    monkeypatch.setattr(pd, "read_excel", never)
    before = (Food.objects.count(), ImportBatch.objects.count())
    with pytest.raises(CommandError, match=r"bomb.xlsx: unpacks to 268,\d{3},\d{3} bytes, more than the"):
        call_command("import_foods", str(path), stdout=io.StringIO())
    assert (Food.objects.count(), ImportBatch.objects.count()) == before


def test_an_xlsx_with_more_rows_than_the_limit_is_refused_before_pandas_reads_it(tmp_path, settings, monkeypatch):
    settings.SPREADSHEET_MAX_ROWS = 5
    path = tmp_path / "foods.xlsx"
    path.write_bytes(export_foods("xlsx", Food.objects.order_by("pk")[:6]))
    monkeypatch.setattr(pd, "read_excel", lambda *a, **k: (_ for _ in ()).throw(AssertionError("read")))
    with pytest.raises(CommandError, match="foods.xlsx: more than 5 rows"):
        call_command("import_foods", str(path), stdout=io.StringIO())


def test_a_csv_with_more_rows_than_the_limit_is_refused(tmp_path, settings):
    settings.SPREADSHEET_MAX_ROWS = 5
    path = tmp_path / "foods.csv"
    path.write_text(export_foods("csv", Food.objects.order_by("pk")[:6]))
    with pytest.raises(CommandError, match="foods.csv: more than 5 rows"):
        call_command("import_foods", str(path), stdout=io.StringIO())


def test_xlsx_within_the_limits_still_imports(tmp_path, settings):
    settings.SPREADSHEET_MAX_ROWS = 6
    path = tmp_path / "foods.xlsx"
    path.write_bytes(export_foods("xlsx", Food.objects.order_by("pk")[:6]))
    assert "6 unchanged" in _run(path)


def _run(path) -> str:
    out = io.StringIO()
    call_command("import_foods", str(path), "--dry-run", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_sheet_is_read_once_between_preview_and_confirm(signed_in, monkeypatch, fmt):
    food = Food.objects.filter(amounts__nutrient__code="iron_mg").order_by("pk").first()
    frame = pd.read_csv(io.StringIO(export_foods("csv", Food.objects.filter(pk=food.pk))), dtype=str)
    frame.loc[0, "iron_mg"] = "3.25"
    buffer = io.BytesIO()
    frame.to_csv(buffer, index=False) if fmt == "csv" else frame.to_excel(buffer, index=False)
    reads = []
    original = spreadsheet.read_table
    monkeypatch.setattr(spreadsheet, "read_table", lambda *a, **k: reads.append(a[1]) or original(*a, **k))

    preview = signed_in.post(reverse("workspace:import_foods"), {"file": named(buffer.getvalue(), f"f.{fmt}")})
    assert preview.status_code == 200
    confirm = signed_in.post(
        reverse("workspace:import_foods_confirm"),
        {"token": preview.context["token"], "fingerprint": preview.context["fingerprint"]},
    )
    assert confirm.status_code == 302
    assert reads == [f"f.{fmt}"]
    assert Food.objects.get(pk=food.pk).amounts_by_code()["iron_mg"] == 3.25
