"""Imports from the workspace: a spreadsheet is previewed before it is saved; FDC ids go through the same importer."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from nutrition.exports import export_foods
from nutrition.models import Food, ImportBatch, NutrientAmount
from tests.test_import_fdc import fdc  # noqa: F401 - the stand-in FDC server

pytestmark = pytest.mark.django_db


@pytest.fixture
def food():
    return Food.objects.filter(amounts__nutrient__code="iron_mg").order_by("pk").first()


def sheet(food, **cells) -> SimpleUploadedFile:
    frame = pd.read_csv(
        io.StringIO(export_foods("csv", Food.objects.filter(pk=food.pk))), dtype=str, keep_default_na=False
    )
    for column, value in cells.items():
        frame.loc[0, column] = value
    return SimpleUploadedFile("foods.csv", frame.to_csv(index=False).encode(), content_type="text/csv")


def iron(food):
    return NutrientAmount.objects.get(food=food, nutrient__code="iron_mg").amount


def test_spreadsheet_upload_previews_changes_and_saves_only_on_confirm(signed_in, food, dietitian):  # noqa: F811
    old = iron(food)
    response = signed_in.post(reverse("workspace:import_foods"), {"file": sheet(food, iron_mg="8.125")})
    assert response.status_code == 200
    html = response.content.decode()
    assert f"iron_mg: {old:g} -&gt; 8.125" in html and "0 to create, 1 to change, 0 unchanged" in html
    assert iron(food) == old and not ImportBatch.objects.filter(kind="import-foods").exists()

    token, fingerprint = response.context["token"], response.context["fingerprint"]
    response = signed_in.post(reverse("workspace:import_foods_confirm"), {"token": token, "fingerprint": fingerprint})
    assert response.status_code == 302
    assert iron(food) == 8.125
    batch = ImportBatch.objects.get(kind="import-foods")
    assert batch.user == dietitian and batch.updated == 1
    assert "foods.csv" in signed_in.get(reverse("workspace:import_list")).content.decode()
    # The preview cannot be confirmed twice.
    signed_in.post(reverse("workspace:import_foods_confirm"), {"token": token, "fingerprint": fingerprint})
    assert ImportBatch.objects.filter(kind="import-foods").count() == 1


def test_a_bad_spreadsheet_lists_its_problems_and_cannot_be_confirmed(signed_in, food):
    old = iron(food)
    response = signed_in.post(reverse("workspace:import_foods"), {"file": sheet(food, iron_mg="abc")})
    assert response.status_code == 400
    assert "row 2, iron_mg: &#x27;abc&#x27; is not a number" in response.content.decode()
    assert "token" not in response.context
    assert iron(food) == old


def test_another_dietitians_preview_cannot_be_confirmed(signed_in, food, django_user_model, client):
    response = signed_in.post(reverse("workspace:import_foods"), {"file": sheet(food, iron_mg="8.5")})
    token, fingerprint = response.context["token"], response.context["fingerprint"]
    other = django_user_model.objects.create_user("otto")
    other.groups.add(*django_user_model.objects.get(username="dana").groups.all())
    client.force_login(other)
    client.post(reverse("workspace:import_foods_confirm"), {"token": token, "fingerprint": fingerprint})
    assert iron(food) != 8.5


def test_fdc_ids_are_imported_from_the_workspace(signed_in, fdc, dietitian):  # noqa: F811
    response = signed_in.post(reverse("workspace:import_fdc"), {"ids": "321611, 999999999"}, follow=True)
    html = response.content.decode()
    assert "1 created" in html and "FDC does not know: 999999999" in html
    food = Food.objects.get(source="usda-fdc", source_id="321611")
    assert food.import_batch.user == dietitian
