"""The dietitian edits foods: list with search and filters, the food form, one value inline, history and revert."""

from __future__ import annotations

import pytest
from django.urls import reverse

from nutrition.models import ALLERGENS, RLS_NUTRIENTS, Allergen, Food, NutrientAmount
from planner.models.meals import Meal
from planner.profiles import parse_profile
from planner.services import eligible_meals

pytestmark = pytest.mark.django_db


@pytest.fixture
def food():
    return Food.objects.filter(amounts__nutrient__code="iron_mg").order_by("pk").first()


def allergen_codes(food):
    return set(Allergen.objects.filter(foods=food).values_list("code", flat=True))


def iron(food):
    amount = NutrientAmount.objects.filter(food=food, nutrient__code="iron_mg").first()
    return amount.amount if amount else None


def test_food_list_searches_by_name_and_htmx_gets_only_the_results(signed_in, food):
    word = food.name.split(",")[0].split()[0]
    response = signed_in.get(reverse("workspace:food_list"), {"q": word})
    assert food.name in response.content.decode()
    others = Food.objects.exclude(name__icontains=word).order_by("pk").first()
    assert others.name not in response.content.decode()
    partial = signed_in.get(reverse("workspace:food_list"), {"q": word}, HTTP_HX_REQUEST="true")
    assert food.name in partial.content.decode() and "<html" not in partial.content.decode()


def test_food_list_filter_missing_rls_values_lists_only_foods_with_an_unknown(signed_in):
    response = signed_in.get(reverse("workspace:food_list"), {"unknown": "rls"})
    listed = response.context["page"].object_list
    assert listed, "some curated foods lack a vitamin D or B12 value"
    for food in listed:
        known = set(food.amounts_by_code()) & set(RLS_NUTRIENTS)
        assert len(known) < 6, food


def test_food_list_filters_by_group_and_diet(signed_in, food):
    response = signed_in.get(reverse("workspace:food_list"), {"group": food.food_group_id, "diet": food.diet})
    listed = list(response.context["page"].object_list)
    assert food in listed or response.context["page"].paginator.count > 50
    assert all(f.food_group_id == food.food_group_id and f.diet == food.diet for f in listed)


def _food_form(food, **changes):
    data = {
        "name": food.name,
        "food_group": food.food_group_id,
        "diet": food.diet,
        "allergens": [a.pk for a in food.allergens.all()],
        "contains_caffeine": "on" if food.contains_caffeine else "",
        "contains_alcohol": "on" if food.contains_alcohol else "",
        "values_source": "",
        "change_reason": "",
    }
    for amount in food.amounts.select_related("nutrient"):
        data[amount.nutrient.code] = repr(amount.amount)
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_food_form_saves_fields_and_values_together_with_who_and_why(signed_in, food, dietitian):  # noqa: F811
    data = _food_form(food, name="Renamed food", iron_mg="4.5", values_source="FDC 321611", change_reason="Checked")
    response = signed_in.post(reverse("workspace:food_edit", args=[food.pk]), data)
    assert response.status_code == 302
    food.refresh_from_db()
    assert food.name == "Renamed food"
    assert iron(food) == 4.5
    assert NutrientAmount.objects.get(food=food, nutrient__code="iron_mg").source == "FDC 321611"
    record = food.history.latest()
    assert (record.history_user, record.history_change_reason) == (dietitian, "Checked")


def test_food_form_without_a_reason_or_a_values_source_changes_nothing(signed_in, food):
    before = (food.name, iron(food))
    url = reverse("workspace:food_edit", args=[food.pk])
    response = signed_in.post(url, _food_form(food, name="Nope", change_reason=""))
    assert response.status_code == 400
    response = signed_in.post(url, _food_form(food, iron_mg="9", change_reason="why not"))
    assert response.status_code == 400 and "Say where the changed values come from" in response.content.decode()
    food.refresh_from_db()
    assert (food.name, iron(food)) == before


def test_inline_editor_shows_unit_and_source_and_saves_one_value(signed_in, food, dietitian):  # noqa: F811
    url = reverse("workspace:amount_edit", args=[food.pk, "iron_mg"])
    editor = signed_in.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Iron (mg per 100 g)" in editor and 'name="source"' in editor and "<html" not in editor
    row = signed_in.post(
        url, {"amount": "3.25", "source": "Label", "change_reason": "New label"}, HTTP_HX_REQUEST="true"
    )
    assert row.status_code == 200
    assert 'id="value-iron_mg"' in row.content.decode() and "3.25" in row.content.decode()
    assert "Label" in row.content.decode()
    assert iron(food) == 3.25
    record = NutrientAmount.history.filter(food_id=food.pk, nutrient__code="iron_mg").latest()
    assert (record.history_user, record.history_change_reason) == (dietitian, "New label")


def test_an_empty_inline_value_makes_it_unknown(signed_in, food):
    url = reverse("workspace:amount_edit", args=[food.pk, "iron_mg"])
    row = signed_in.post(url, {"amount": "", "source": "", "change_reason": "Not measured"}, HTTP_HX_REQUEST="true")
    assert "unknown" in row.content.decode()
    assert iron(food) is None


def test_a_negative_inline_value_is_refused(signed_in, food):
    before = iron(food)
    url = reverse("workspace:amount_edit", args=[food.pk, "iron_mg"])
    response = signed_in.post(url, {"amount": "-1", "source": "x", "change_reason": "x"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert iron(food) == before


def test_history_shows_who_what_and_why_and_revert_restores_a_version(signed_in, food, dietitian):  # noqa: F811
    original = iron(food)
    url = reverse("workspace:amount_edit", args=[food.pk, "iron_mg"])
    signed_in.post(url, {"amount": "5", "source": "Lab A", "change_reason": "First analysis"})
    signed_in.post(url, {"amount": "6", "source": "Lab B", "change_reason": "Second analysis"})
    page = signed_in.get(reverse("workspace:food_history", args=[food.pk]))
    versions = page.context["versions"]
    assert [v.reason for v in versions[:2]] == ["Second analysis", "First analysis"]
    first_change = versions[1].changes[0]
    assert (first_change.old, first_change.new) == (f"{original:g}", "5")
    assert "dana" in page.content.decode() and "Second analysis" in page.content.decode()

    baseline = versions[2]  # the value as it was before the first recorded change
    response = signed_in.post(
        reverse("workspace:food_revert", args=[food.pk]),
        {"at": baseline.at.isoformat(), "change_reason": "Both analyses were wrong"},
    )
    assert response.status_code == 302
    assert iron(food) == original
    record = NutrientAmount.history.filter(food_id=food.pk, nutrient__code="iron_mg").latest()
    assert record.history_change_reason == "Both analyses were wrong" and record.history_user == dietitian

    signed_in.post(
        reverse("workspace:food_revert", args=[food.pk]), {"at": versions[1].at.isoformat(), "change_reason": "Lab A"}
    )
    assert iron(food) == 5


def test_food_field_changes_are_diffed_and_reverted(signed_in, food):
    old_name = food.name
    signed_in.post(
        reverse("workspace:food_edit", args=[food.pk]), _food_form(food, name="Typo name", change_reason="Rename")
    )
    versions = signed_in.get(reverse("workspace:food_history", args=[food.pk])).context["versions"]
    assert any(c.what == "name" and (c.old, c.new) == (old_name, "Typo name") for c in versions[0].changes)
    signed_in.post(
        reverse("workspace:food_revert", args=[food.pk]), {"at": versions[1].at.isoformat(), "change_reason": "Undo"}
    )
    food.refresh_from_db()
    assert food.name == old_name


def test_a_food_loaded_from_the_fixtures_has_no_history_until_it_changes(signed_in):
    food = Food.objects.filter(allergens__isnull=False).order_by("pk").first()
    page = signed_in.get(reverse("workspace:food_history", args=[food.pk]))
    assert page.context["versions"] == [] and "No recorded changes yet." in page.content.decode()
    assert not Food.history.filter(id=food.pk).exists()


def test_allergen_changes_are_in_the_history_and_a_revert_restores_them_in_the_food_and_its_meals(
    signed_in, dietitian  # noqa: F811
):
    meal = next(
        m
        for m in Meal.objects.active().with_ingredients().order_by("pk")
        if any(i.food.allergens.all() for i in m.ingredients.all()) and set(ALLERGENS) - m.allergen_codes
    )
    food = Food.objects.get(pk=next(i.food_id for i in meal.ingredients.all() if i.food.allergens.all()))
    before = allergen_codes(food)
    added = sorted(set(ALLERGENS) - meal.allergen_codes)[0]
    avoiding_added = parse_profile({"age": 30, "sex": "female", "weight_kg": 62, "height_cm": 166, "exclude": [added]})
    assert meal.pk in {m.id for m in eligible_meals(avoiding_added)}  # also fills the planner's meal cache

    data = _food_form(food, allergens=[Allergen.objects.get(code=added).pk], change_reason="New label")
    assert signed_in.post(reverse("workspace:food_edit", args=[food.pk]), data).status_code == 302
    assert allergen_codes(food) == {added}
    assert meal.pk not in {m.id for m in eligible_meals(avoiding_added)}

    page = signed_in.get(reverse("workspace:food_history", args=[food.pk]))
    versions = page.context["versions"]
    names = dict(Allergen.objects.values_list("code", "name"))
    old_names, new_name = ", ".join(sorted(names[c] for c in before)), names[added]
    change = next(c for c in versions[0].changes if c.what == "allergens")
    assert (change.old, change.new) == (old_names, new_name)
    assert (versions[0].user, versions[0].reason) == (dietitian, "New label")
    html = page.content.decode()
    assert '<th scope="row">allergens</th>' in html and "New label" in html and "dana" in html

    response = signed_in.post(
        reverse("workspace:food_revert", args=[food.pk]),
        {"at": versions[1].at.isoformat(), "change_reason": "Wrong label"},
    )
    assert response.status_code == 302
    assert allergen_codes(food) == before
    assert meal.pk in {m.id for m in eligible_meals(avoiding_added)}
    assert Meal.objects.get(pk=meal.pk).needs_review

    latest = signed_in.get(reverse("workspace:food_history", args=[food.pk])).context["versions"][0]
    assert (latest.user, latest.reason) == (dietitian, "Wrong label")
    assert [(c.what, c.old, c.new) for c in latest.changes] == [("allergens", new_name, old_names)]


def test_review_lists_foods_with_an_unknown_rls_value(signed_in, food):
    NutrientAmount.objects.filter(food=food, nutrient__code="vitamin_d_ug").delete()
    NutrientAmount.objects.filter(food=food, nutrient__code="iron_mg").delete()
    response = signed_in.get(reverse("workspace:review"))
    assert response.context["foods"].paginator.count >= 1
    assert food in list(response.context["foods"].paginator.object_list)


def test_food_list_flagged_filter_shows_only_foods_flagged_for_review(signed_in, food):
    Food.objects.filter(pk=food.pk).update(needs_review=True)
    response = signed_in.get(reverse("workspace:food_list"), {"review": "on"})
    listed = list(response.context["page"].object_list)
    assert food in listed
    assert all(f.needs_review for f in listed)


def test_inline_editors_of_two_values_have_distinct_input_ids(signed_in, food):
    iron_editor = signed_in.get(reverse("workspace:amount_edit", args=[food.pk, "iron_mg"]), HTTP_HX_REQUEST="true")
    folate_editor = signed_in.get(
        reverse("workspace:amount_edit", args=[food.pk, "folate_ug_dfe"]), HTTP_HX_REQUEST="true"
    )
    assert 'id="id_iron_mg_amount"' in iron_editor.content.decode()
    assert 'id="id_folate_ug_dfe_amount"' in folate_editor.content.decode()
