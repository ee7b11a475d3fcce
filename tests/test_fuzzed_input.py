"""Random input never gives a 500 or a partial write: the plan form, its field validation, and the food import."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nutrition.exports import EXPORT_COLUMNS, nutrient_columns
from nutrition.importers.spreadsheet import import_foods_file
from nutrition.models import Food, NutrientAmount
from planner.forms import VALIDATED_FIELDS

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

nasty_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "-1", "0", "1e308", "1e999", "NaN", "inf", "-inf", "12abc", "١٢", "𝟙𝟚", "null",
                     "<script>alert(1)</script>", "' OR 1=1 --", "\x00", "9" * 400]),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)
FORM_FIELDS = ("age", "sex", "weight_kg", "height_cm", "activity", "diet", "life_stage", "smoker", "exclude",
               "deficiencies", "days", "ferritin", "ferritin_unit", "transferrin_saturation", "vitamin_d_25oh_unit")


@FUZZ
@given(field=st.sampled_from(VALIDATED_FIELDS), value=nasty_text)
def test_field_validation_never_fails_on_any_value(field, value):
    response = Client(raise_request_exception=False).post(
        reverse("planner:validate", kwargs={"name": field}), {field: value}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200


@FUZZ
@given(data=st.fixed_dictionaries({}, optional={name: nasty_text for name in FORM_FIELDS}))
def test_plan_form_never_fails_on_any_input(data):
    response = Client(raise_request_exception=False).post(reverse("planner:form"), data)
    assert response.status_code in (200, 302), response.status_code


def food_table_csv(cells: dict[str, str]) -> bytes:
    """One row in the export layout, with the given cells, the rest empty."""
    columns = [*EXPORT_COLUMNS, *nutrient_columns()]
    frame = pd.DataFrame([{column: cells.get(column, "") for column in columns}], columns=columns)
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue().encode()


def database_state():
    return Food.objects.count(), NutrientAmount.objects.count(), list(
        NutrientAmount.objects.order_by("pk").values_list("pk", "amount")[:50]
    )


@FUZZ
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".csv", ".xlsx", ".txt", ""]))
def test_import_of_random_bytes_is_refused_cleanly_and_changes_nothing(data, suffix):
    before = database_state()
    plan, batch = import_foods_file(data, f"upload{suffix}")
    if not plan.ok:
        assert plan.problems and all(isinstance(p, str) and p for p in plan.problems)
        assert batch is None
    assert database_state() == before or plan.ok


@FUZZ
@given(
    name=nasty_text,
    iron=nasty_text,
    folate=nasty_text,
    food_group=st.sampled_from(["Legume and Legume Products", "Legumes and Legume Products", "", "☃"]),
)
def test_import_rows_with_random_cells_are_all_or_nothing(name, iron, folate, food_group):
    """A valid new food beside a fuzzed one: both are created, or neither is and nothing changed."""
    valid_row = {"name": "Fuzz check food", "food_group": "Legumes and Legume Products", "source": "fuzz",
                 "source_id": "ok", "diets": "vegan", "iron_mg": "1.5"}
    fuzzed_row = {"name": name, "food_group": food_group, "source": "fuzz", "source_id": "random",
                  "diets": "vegan", "iron_mg": iron, "folate_ug_dfe": folate}
    table = food_table_csv(valid_row) + food_table_csv(fuzzed_row).split(b"\n", 1)[1]
    before = database_state()
    plan, _ = import_foods_file(table, "foods.csv")
    created = Food.objects.filter(source="fuzz")
    if plan.ok:
        assert sorted(created.values_list("source_id", flat=True)) == ["ok", "random"]
        created.delete()
    else:
        assert not created.exists()
        assert database_state() == before
        assert any("row" in problem for problem in plan.problems)
