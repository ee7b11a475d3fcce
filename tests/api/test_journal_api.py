"""/api/v1/journal/labs, nights and eaten: the owner's journal as JSON, through the journal's own forms and services.
Each route: create, list, filter by date, patch, delete; a bad field is a 422 naming it with the page's message;
another person's id is a 404; no credentials is a 401; a session needs its CSRF token for unsafe methods."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from journal.forms import LabResultForm, NightForm
from journal.models import LabResult, MealMark, Night
from nutrition.models import Food
from planner.models import Meal

from .conftest import Api

pytestmark = pytest.mark.django_db


def ago(days: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=days)).isoformat()


# ---- Labs ----


def test_a_lab_result_is_stored_canonical_and_shown_in_the_unit_entered(owner, people):
    response = owner.post("journal/labs", {"date": ago(3), "lab": "vitamin_d_25oh", "value": 50, "unit": "nmol/L"})
    assert response.status_code == 201, response.content
    body = response.json()
    stored = LabResult.objects.get(pk=body["id"])
    assert stored.owner == people["owner"] and stored.unit == "nmol/L" and not stored.demo
    assert stored.value == pytest.approx(50 / 2.496, rel=1e-3)  # ng/mL, the canonical unit
    assert (body["value"], body["unit"], body["canonical_unit"]) == (50, "nmol/L", "ng/mL")
    assert body["value_canonical"] == pytest.approx(stored.value)


def test_the_api_accepts_and_refuses_what_the_lab_form_does(owner):
    """The same inputs through the page's form and the API: the same verdict, the same message."""
    cases = [
        {"date": ago(2), "lab": "ferritin", "value": 30, "unit": "ng/mL"},
        {"date": ago(2), "lab": "ferritin", "value": 30, "unit": "mg/dL"},  # a unit that does not fit ferritin
        {"date": ago(2), "lab": "ferritin", "value": 90000, "unit": "ng/mL"},  # implausible
        {"date": ago(-3), "lab": "ferritin", "value": 30, "unit": "ng/mL"},  # in the future
        {"date": ago(2), "lab": "magnesium", "value": 0.8, "unit": "mmol/L"},
        {"date": ago(2), "lab": "folate", "value": 10, "unit": "furlongs"},
    ]
    for data in cases:
        form = LabResultForm(data)
        response = owner.post("journal/labs", data)
        if form.is_valid():
            assert response.status_code == 201, (data, response.content)
        else:
            field, errors = next(iter(form.errors.items()))
            assert response.status_code == 422, (data, response.content)
            assert response.json() == {"detail": errors[0], "field": field}, data


def test_labs_are_listed_newest_first_and_filtered_by_date_and_lab(owner, journal_data):
    owner.post("journal/labs", {"date": ago(5), "lab": "ferritin", "value": 55, "unit": "ng/mL"})
    owner.post("journal/labs", {"date": ago(400), "lab": "folate", "value": 9, "unit": "ng/mL"})
    listed = owner.get("journal/labs").json()
    assert listed["count"] == 3 and [r["date"] for r in listed["results"]] == sorted(
        [r["date"] for r in listed["results"]], reverse=True
    )
    assert [r["value"] for r in owner.get("journal/labs", **{"from": ago(60)}).json()["results"]] == [55, 40]
    assert [r["lab"] for r in owner.get("journal/labs", to=ago(100)).json()["results"]] == ["folate"]
    assert owner.get("journal/labs", lab="folate").json()["count"] == 1
    assert owner.get("journal/labs", lab="iron").json()["field"] == "lab"
    backwards = owner.get("journal/labs", **{"from": ago(1), "to": ago(10)})
    assert backwards.status_code == 422 and backwards.json()["field"] == "from"
    one_a_page = owner.get("journal/labs", page_size=1, page=2).json()
    assert one_a_page["pages"] == 3 and len(one_a_page["results"]) == 1
    assert owner.get("journal/labs", page_size=101).json()["field"] == "page_size"


def test_a_lab_result_is_read_patched_in_its_own_unit_and_deleted(owner, journal_data):
    pk = journal_data["lab"].pk
    assert owner.get(f"journal/labs/{pk}").json()["value"] == 40  # entered as 40 µg/L
    patched = owner.patch(f"journal/labs/{pk}", {"note": "after the course"})
    assert patched.status_code == 200, patched.content
    stored = LabResult.objects.get(pk=pk)
    assert (stored.note, stored.value, stored.unit) == ("after the course", 40, "ug/L")
    converted = owner.patch(f"journal/labs/{pk}", {"value": 60, "unit": "pmol/L"})  # pmol/L does not fit ferritin
    assert converted.status_code == 422 and converted.json()["field"] == "unit"
    assert owner.patch(f"journal/labs/{pk}", {"lab": "nope"}).json()["field"] == "lab"
    assert LabResult.objects.get(pk=pk).value == 40
    assert owner.delete(f"journal/labs/{pk}").status_code == 204
    assert not LabResult.objects.filter(pk=pk).exists()
    assert owner.get(f"journal/labs/{pk}").status_code == 404


# ---- Nights ----


def test_a_night_is_added_listed_filtered_patched_and_deleted(owner, people):
    response = owner.post("journal/nights", {"date": ago(3), "severity": 7, "caffeine": True, "hours_slept": 5.5})
    assert response.status_code == 201, response.content
    body = response.json()
    night = Night.objects.get(pk=body["id"])
    assert night.owner == people["owner"] and night.severity == 7 and night.caffeine and not night.alcohol
    assert set(NightForm._meta.fields) <= set(body) and body["onset"] == "" and body["irls_total"] is None
    owner.post("journal/nights", {"date": ago(10), "severity": 2})
    assert [n["date"] for n in owner.get("journal/nights").json()["results"]] == [ago(3), ago(10)]
    assert [n["date"] for n in owner.get("journal/nights", **{"from": ago(5)}).json()["results"]] == [ago(3)]
    assert [n["date"] for n in owner.get("journal/nights", to=ago(5)).json()["results"]] == [ago(10)]
    patched = owner.patch(f"journal/nights/{night.pk}", {"severity": 4, "hours_slept": None})
    assert patched.status_code == 200, patched.content
    night.refresh_from_db()
    assert (night.severity, night.hours_slept, night.caffeine) == (4, None, True)
    assert owner.delete(f"journal/nights/{night.pk}").status_code == 204
    assert owner.get(f"journal/nights/{night.pk}").status_code == 404


@pytest.mark.parametrize(
    "change, field",
    [
        ({"severity": 11}, "severity"),
        ({"hours_slept": 25}, "hours_slept"),
        ({"irls_total": 41}, "irls_total"),
        ({"onset": "at noon"}, "onset"),
        ({"date": "2999-01-01"}, "date"),
        ({"note": "x" * 301}, "note"),
        ({"severity": "x"}, "severity"),  # not a number: the schema's type says so, naming the field
        ({"mood": "fine"}, "mood"),
    ],
)
def test_a_bad_night_is_a_422_naming_the_field_with_the_forms_message(owner, change, field):
    data = {"date": ago(2), "severity": 3, **change}
    response = owner.post("journal/nights", data)
    assert response.status_code == 422, response.content
    assert response.json()["field"] == field
    form = NightForm({k: v for k, v in data.items() if k != "mood"})
    if field in form.errors and data[field] != "x":  # rules beyond the JSON type: the page's message, word for word
        assert response.json()["detail"] == form.errors[field][0]
    assert not Night.objects.exists()


def test_a_second_night_on_a_date_is_a_409_unless_it_replaces_the_first(owner, journal_data):
    first = journal_data["night"]
    clash = owner.post("journal/nights", {"date": first.date.isoformat(), "severity": 2})
    assert clash.status_code == 409 and clash.json()["field"] == "date"
    assert f"replace={first.pk}" in clash.json()["detail"]
    assert Night.objects.get().severity == 6
    wrong = owner.post(f"journal/nights?replace={first.pk + 1000}", {"date": first.date.isoformat(), "severity": 2})
    assert wrong.status_code == 409
    replaced = owner.post(f"journal/nights?replace={first.pk}", {"date": first.date.isoformat(), "severity": 2})
    assert replaced.status_code == 201, replaced.content
    assert list(Night.objects.values_list("severity", flat=True)) == [2]
    other_night = owner.post("journal/nights", {"date": ago(9), "severity": 1}).json()["id"]
    moved = owner.patch(f"journal/nights/{other_night}", {"date": first.date.isoformat()})
    assert moved.status_code == 409 and Night.objects.count() == 2


# ---- Meals eaten ----


def test_a_planned_meal_is_marked_eaten_replaced_patched_and_deleted(owner, people):
    plan = people["plan"]
    planned = plan.document["days"][0]["meals"][1]
    body = {"plan_id": plan.pk, "day": 1, "slot_index": planned["slot_index"], "date": ago(2), "status": "eaten"}
    response = owner.post("journal/eaten", body)
    assert response.status_code == 201, response.content
    mark = response.json()
    assert mark["planned_meal"] == planned["name"] and mark["status"] == "eaten"
    assert mark["items"] == [{"food_id": i["food_id"], "grams": i["grams"]} for i in planned["items"]]
    food = Food.objects.get(source="usda-sr26", source_id="16070")
    again = owner.post("journal/eaten", {**body, "status": "replaced", "food_id": food.pk, "grams": 150})
    assert again.status_code == 200 and again.json()["id"] == mark["id"]  # one mark per date and slot
    assert again.json()["items"] == [{"food_id": food.pk, "grams": 150.0}]
    meal = Meal.objects.active().first()
    to_meal = owner.patch(f"journal/eaten/{mark['id']}", {"meal_id": meal.pk, "food_id": None, "grams": None})
    assert to_meal.status_code == 200, to_meal.content
    assert to_meal.json()["meal_id"] == meal.pk and to_meal.json()["food_id"] is None
    skipped = owner.patch(f"journal/eaten/{mark['id']}", {"status": "skipped"})
    assert skipped.json()["status"] == "skipped" and skipped.json()["items"] == []
    assert MealMark.objects.get(pk=mark["id"]).status == "skipped"
    assert owner.delete(f"journal/eaten/{mark['id']}").status_code == 204
    assert not MealMark.objects.exists()


def test_marks_are_listed_and_filtered(owner, journal_data, people):
    plan = people["plan"]
    owner.post("journal/eaten", {"plan_id": plan.pk, "day": 1, "slot_index": 1, "date": ago(20), "status": "skipped"})
    assert owner.get("journal/eaten").json()["count"] == 2
    assert [m["date"] for m in owner.get("journal/eaten", **{"from": ago(5)}).json()["results"]] == [ago(1)]
    assert [m["status"] for m in owner.get("journal/eaten", to=ago(5)).json()["results"]] == ["skipped"]
    assert owner.get("journal/eaten", plan_id=plan.pk + 1).json()["count"] == 0
    assert owner.get(f"journal/eaten/{journal_data['mark'].pk}").json()["status"] == "eaten"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"status": "replaced"}, "food_id"),  # the form: say what you ate instead
        ({"status": "replaced", "food_id": "FOOD", "grams": None}, "grams"),
        ({"status": "replaced", "food_id": 10**9, "grams": 100}, "food_id"),
        ({"status": "replaced", "food_id": "FOOD", "grams": 4000}, "grams"),
        ({"status": "replaced", "food_id": "FOOD", "grams": 100, "meal_id": "MEAL"}, "meal_id"),
        ({"status": "clear"}, "status"),
        ({"date": "2999-01-01"}, "date"),
        ({"plan_id": 10**9}, "plan_id"),
        ({"day": 2}, "day"),
        ({"slot_index": 9}, "slot_index"),
    ],
)
def test_a_bad_mark_is_a_422_naming_the_field(owner, people, change, field):
    food, meal = Food.objects.get(source="usda-sr26", source_id="16070"), Meal.objects.active().first()
    change = {k: food.pk if v == "FOOD" else meal.pk if v == "MEAL" else v for k, v in change.items()}
    body = {"plan_id": people["plan"].pk, "day": 1, "slot_index": 0, "date": ago(1), "status": "eaten", **change}
    response = owner.post("journal/eaten", body)
    assert response.status_code == 422, response.content
    assert response.json()["field"] == field, response.json()
    assert not MealMark.objects.exists()


def test_a_mark_outlives_its_plan_and_can_then_be_read_and_deleted_but_not_changed(owner, journal_data, people):
    pk = journal_data["mark"].pk
    people["plan"].delete()
    kept = owner.get(f"journal/eaten/{pk}").json()
    assert kept["plan_id"] is None and kept["status"] == "eaten" and kept["items"]
    refused = owner.patch(f"journal/eaten/{pk}", {"status": "skipped"})
    assert refused.status_code == 422 and refused.json()["field"] == "plan_id"
    assert MealMark.objects.get(pk=pk).status == "eaten"
    assert owner.delete(f"journal/eaten/{pk}").status_code == 204


def test_a_mark_on_another_persons_plan_is_refused(other, people):
    body = {"plan_id": people["plan"].pk, "day": 1, "slot_index": 0, "date": ago(1), "status": "eaten"}
    response = other.post("journal/eaten", body)
    assert response.status_code == 422 and response.json()["field"] == "plan_id"
    assert not MealMark.objects.exists()


# ---- Who may ----

ROUTES = [
    ("labs", "lab", {"note": "mine now"}),
    ("nights", "night", {"severity": 0}),
    ("eaten", "mark", {"status": "skipped"}),
]


@pytest.mark.parametrize("kind, key, change", ROUTES)
def test_another_persons_entries_are_404_and_their_lists_empty(other, journal_data, kind, key, change):
    entry = journal_data[key]
    before = type(entry).objects.get(pk=entry.pk)
    assert other.get(f"journal/{kind}").json()["count"] == 0
    for response in (
        other.get(f"journal/{kind}/{entry.pk}"),
        other.patch(f"journal/{kind}/{entry.pk}", change),
        other.delete(f"journal/{kind}/{entry.pk}"),
    ):
        assert response.status_code == 404 and response.json() == {"detail": "Not found.", "field": None}
    after = type(entry).objects.get(pk=entry.pk)
    assert after.updated_at == before.updated_at


@pytest.mark.parametrize("kind, key, change", ROUTES)
def test_anonymous_callers_get_401(anyone, journal_data, kind, key, change):
    pk = journal_data[key].pk
    for response in (
        anyone.get(f"journal/{kind}"),
        anyone.post(f"journal/{kind}", {}),
        anyone.get(f"journal/{kind}/{pk}"),
        anyone.patch(f"journal/{kind}/{pk}", change),
        anyone.delete(f"journal/{kind}/{pk}"),
    ):
        assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
    bad_token = Api("not-a-token").get(f"journal/{kind}")
    assert bad_token.status_code == 401


def test_a_session_needs_the_csrf_token_for_unsafe_methods(people, journal_data):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(people["owner"])
    session = Api(client=client)
    night = {"date": ago(4), "severity": 3}
    assert session.get("journal/nights").status_code == 200  # reading needs no token
    for response in (
        session.post("journal/nights", night),
        session.patch(f"journal/nights/{journal_data['night'].pk}", {"severity": 1}),
        session.delete(f"journal/labs/{journal_data['lab'].pk}"),
    ):
        assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert Night.objects.count() == 1 and LabResult.objects.count() == 1
    token = client.get("/journal/").cookies["csrftoken"].value
    accepted = session.post("journal/nights", night, **{"X-CSRFToken": token})
    assert accepted.status_code == 201, accepted.content
