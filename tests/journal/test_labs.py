"""Lab results: entered in the units labs print, stored canonical, shown in the person's unit, against the
AASM 2024 bands; the plan form starts from the latest ones."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from journal.models import LabResult
from planner.models import Profile

from .factories import LabResultFactory, UserFactory, days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(client):
    user = UserFactory(username="labber")
    client.force_login(user)
    return user


def add(client, **data):
    values = {"date": days_ago(3).isoformat(), "lab": "ferritin", "value": "45", "unit": "ng/mL"}
    values.update(data)
    return client.post(reverse("journal:lab_add"), values, follow=True)


def test_ferritin_in_ug_per_litre_is_kept_as_entered_and_stored_canonical(client, person):
    html = add(client, value="60", unit="ug/L", where_drawn="GP surgery").content.decode()
    result = LabResult.objects.get(owner=person)
    assert (result.value, result.unit, result.where_drawn) == (60.0, "ug/L", "GP surgery")
    assert "60 µg/L" in html


def test_vitamin_b12_in_pmol_per_litre_is_stored_in_pg_per_ml_and_shown_back_in_pmol(client, person):
    add(client, lab="vitamin_b12", value="221.4", unit="pmol/L")
    result = LabResult.objects.get(owner=person)
    assert result.value == pytest.approx(300.0)  # 1 pg/mL = 0.738 pmol/L
    html = client.get(reverse("journal:labs")).content.decode()
    assert "221.4 pmol/L" in html
    edit = client.get(reverse("journal:lab_edit", args=[result.pk])).content.decode()
    assert 'value="221.4"' in edit and '<option value="pmol/L" selected>' in edit


def test_a_unit_that_does_not_fit_the_test_is_refused_beside_the_unit(client, person):
    html = add(client, lab="vitamin_b12", value="300", unit="%").content.decode()
    assert 'id="error-unit">Unit: % does not fit vitamin b12' in html
    assert not LabResult.objects.exists()


def test_an_implausible_value_after_conversion_is_refused(client, person):
    html = add(client, lab="vitamin_d_25oh", value="900", unit="nmol/L").content.decode()
    assert 'id="error-value">Value: 25-hydroxyvitamin d must be from 0 to' in html
    assert not LabResult.objects.exists()


def test_a_result_dated_in_the_future_is_refused(client, person):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    html = add(client, date=tomorrow).content.decode()
    assert "Date drawn cannot be in the future." in html
    assert not LabResult.objects.exists()


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (75, "at or below 75 ng/mL, below the level at which the AASM 2024 guideline suggests iron therapy"),
        (90, "only IV iron may be considered"),
        (101, "above 100 ng/mL, where the AASM 2024 guideline does not suggest iron therapy"),
    ],
)
def test_ferritin_is_shown_against_the_aasm_2024_bands_with_the_draw_advice(client, person, value, words):
    LabResultFactory(owner=person, value=value)
    html = client.get(reverse("journal:labs")).content.decode()
    assert words in html
    assert "in the morning, and take no iron supplement for 24 hours before (AASM 2024)" in html


def test_a_child_gets_the_pediatric_ferritin_threshold(client, person):
    Profile.objects.create(owner=person, name="Child", age=9, sex="male", weight_kg=30, height_cm=135)
    LabResultFactory(owner=person, value=60)
    html = client.get(reverse("journal:labs")).content.decode()
    assert "the AASM 2024 guideline&#x27;s threshold for children" in html or "threshold for children" in html


def test_transferrin_saturation_at_45_percent_is_high(client, person):
    LabResultFactory(owner=person, lab="transferrin_saturation", value=45, unit="%")
    assert "at or above 45%" in client.get(reverse("journal:home")).content.decode()


def test_editing_a_result_in_another_unit_converts_it(client, person):
    result = LabResultFactory(owner=person, value=40)
    client.post(
        reverse("journal:lab_edit", args=[result.pk]),
        {"date": result.date.isoformat(), "lab": "ferritin", "value": "55", "unit": "ug/L"},
    )
    result.refresh_from_db()
    assert (result.value, result.unit) == (55.0, "ug/L")


def test_someone_elses_result_is_404_and_never_listed(client, person):
    theirs = LabResultFactory(owner=UserFactory(username="stranger"), value=12.5)
    assert client.get(reverse("journal:lab_edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("journal:delete", args=["lab", theirs.pk])).status_code == 404
    assert "12.5" not in client.get(reverse("journal:labs")).content.decode()
    assert LabResult.objects.filter(pk=theirs.pk).exists()


def test_the_plan_form_starts_from_the_latest_results_and_says_so(client, person):
    LabResultFactory(owner=person, value=20, date=days_ago(200))
    LabResultFactory(owner=person, value=38, date=days_ago(10), unit="ug/L")
    LabResultFactory(owner=person, lab="vitamin_d_25oh", value=15, unit="ng/mL", date=days_ago(10))
    LabResultFactory(owner=person, lab="vitamin_b12", value=300, unit="pmol/L", date=days_ago(10))
    html = client.get(reverse("planner:form")).content.decode()
    assert 'name="ferritin" value="38.0"' in html
    assert '<option value="ug/L" selected>' in html.split('name="ferritin_unit"')[1].split("</select>")[0]
    assert 'name="vitamin_d_25oh" value="15.0"' in html
    assert 'name="vitamin_b12" value="221.4"' in html  # 300 pg/mL shown in the pmol/L it was entered in
    assert "Filled in from your journal" in html


def test_the_plan_form_of_someone_else_or_a_visitor_has_no_journal_values(client, person):
    LabResultFactory(owner=person, value=38)
    client.logout()
    html = client.get(reverse("planner:form")).content.decode()
    assert "Filled in from your journal" not in html and 'value="38' not in html
    client.force_login(UserFactory(username="someone"))
    html = client.get(reverse("planner:form")).content.decode()
    assert "Filled in from your journal" not in html and 'value="38' not in html
