"""Labs through the interfaces people use: the profile JSON of `manage.py generate_plan`, the plan form over HTTP
(with its inline check), the targets and the plan's notes."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import labs
from planner.forms import PlanForm
from planner.profiles import ProfileError, parse_profile
from planner.services import ABSORPTION_TIP, generate_plan
from planner.targets import daily_targets

pytestmark = pytest.mark.django_db

WOMAN = {"age": 40, "sex": "female", "weight_kg": 62, "height_cm": 166, "days": 1}
CHILD = {"age": 9, "sex": "male", "weight_kg": 28, "height_cm": 133, "days": 1}
FORM = {"age": "40", "sex": "female", "weight_kg": "62", "height_cm": "166", "activity": "low", "diet": "omnivore",
        "life_stage": "none", "days": "1"}
LAB_CODES = {"iron": "iron_mg", "vitamin_b12": "vitamin_b12_ug", "folate": "folate_ug_dfe",
             "vitamin_d": "vitamin_d_ug", "magnesium": "magnesium_mg"}
SAME = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def write_profile(tmp_path, data):
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def command_document(tmp_path, data):
    out = io.StringIO()
    call_command("generate_plan", "--profile", write_profile(tmp_path, data), stdout=out)
    return json.loads(out.getvalue())


def rls_targets(profile):
    targets = daily_targets(profile)
    return {code: (targets[code].target, targets[code].upper) for code in LAB_CODES.values()}


# --- The profile JSON ----------------------------------------------------------------------------------------------
def test_todays_keys_and_the_new_form_read_the_same():
    old = parse_profile({**WOMAN, "labs": {"ferritin_ng_ml": 60, "vitamin_d_25oh_ng_ml": 14}})
    entries = {"ferritin": {"value": 60, "unit": "ug/L"}, "vitamin_d_25oh": {"value": 34.944, "unit": "nmol/L"}}
    new = parse_profile({**WOMAN, "labs": entries})
    assert old.labs == new.labs == {"ferritin": 60.0, "vitamin_d_25oh": 14.0}


def test_a_stored_profile_round_trips_with_its_units():
    profile = parse_profile({**WOMAN, "labs": {"magnesium": {"value": 0.85, "unit": "mmol/L"}}})
    data = profile.to_dict()
    assert data["labs"] == {"magnesium": {"value": pytest.approx(0.85 / 0.4114), "unit": "mg/dL"}}
    assert parse_profile(data) == profile and parse_profile(data).labs == profile.labs


@pytest.mark.parametrize(
    ("labs_json", "message"),
    [
        ({"zinc": {"value": 1, "unit": "ng/mL"}}, r"^labs\.zinc: is not a known lab"),
        ({"ferritin": {"value": 60, "unit": "mmol/L"}}, r"^labs\.ferritin\.unit: mmol/L does not fit ferritin"),
        ({"ferritin": {"value": 60, "unit": "furlongs"}}, r"^labs\.ferritin\.unit: 'furlongs' is not a unit"),
        ({"ferritin": {"value": 60}}, r"^labs\.ferritin\.unit: this field is required"),
        ({"ferritin": 60}, r"^labs\.ferritin: must be \{\"value\": \.\.\., \"unit\": \.\.\.\}"),
        ({"ferritin": {"value": "lots", "unit": "ng/mL"}}, r"^labs\.ferritin: 'lots' is not a number"),
        # plausible ranges apply after conversion: 800 nmol/L is 320.5 ng/mL, above the 300 ng/mL ceiling
        ({"vitamin_d_25oh": {"value": 800, "unit": "nmol/L"}}, r"^labs\.vitamin_d_25oh: must be between 0 and 300 "),
        ({"magnesium": {"value": -1, "unit": "mmol/L"}}, r"^labs\.magnesium: must be between 0 and 10 mg/dL"),
        ({"ferritin_ng_ml": 30, "ferritin": {"value": 30, "unit": "ug/L"}}, r"^labs\.ferritin: ferritin is given "),
    ],
)
def test_bad_lab_entries_exit_non_zero_with_one_line_naming_the_field(tmp_path, labs_json, message):
    with pytest.raises(CommandError, match=message) as error:
        call_command("generate_plan", "--profile", write_profile(tmp_path, {**WOMAN, "labs": labs_json}))
    assert "\n" not in str(error.value)


def test_a_vitamin_d_of_35_nmol_l_is_low_and_flagged(tmp_path):
    profile = parse_profile({**WOMAN, "labs": {"vitamin_d_25oh": {"value": 35, "unit": "nmol/L"}}})
    targets = daily_targets(profile)
    plain = daily_targets(parse_profile(WOMAN))
    assert targets["vitamin_d_ug"].target > plain["vitamin_d_ug"].target
    assert "inadequate" in targets["vitamin_d_ug"].reason and "NIH ODS" in targets["vitamin_d_ug"].reason


def test_a_magnesium_of_085_mmol_l_is_normal_and_not_flagged():
    profile = parse_profile({**WOMAN, "labs": {"magnesium": {"value": 0.85, "unit": "mmol/L"}}})
    assert daily_targets(profile)["magnesium_mg"].target == daily_targets(parse_profile(WOMAN))["magnesium_mg"].target


# --- High values stop the raise and warn ---------------------------------------------------------------------------
def test_ferritin_800_with_iron_ticked_gets_the_plain_dri_an_overload_note_and_no_absorption_tips(tmp_path):
    plain = command_document(tmp_path, {**WOMAN, "diet": "vegetarian"})
    document = command_document(
        tmp_path, {**WOMAN, "diet": "vegetarian", "deficiencies": ["iron"], "labs": {"ferritin_ng_ml": 800}}
    )
    iron = document["targets"]["iron_mg"]
    assert iron["target"] == plain["targets"]["iron_mg"]["target"] == pytest.approx(32.4)  # 18 x 1.8 vegetarian
    assert "Not raised although you ticked iron" in iron["reason"] and "above 100 ng/mL" in iron["reason"]
    assert "AASM 2024" in iron["reason"]
    assert any("haemochromatosis" in n and "before taking any iron supplement" in n for n in document["notes"])
    assert ABSORPTION_TIP not in document["notes"] and ABSORPTION_TIP in plain["notes"]
    assert not any("absorbed better" in n for n in document["notes"])


def test_saturation_of_45_stops_the_raise_for_a_ticked_iron_too():
    profile = parse_profile({**WOMAN, "deficiencies": ["iron"], "labs": {"transferrin_saturation_pct": 45}})
    iron = daily_targets(profile)["iron_mg"]
    assert iron.target == daily_targets(parse_profile(WOMAN))["iron_mg"].target
    assert "at or above 45%" in iron.reason


@pytest.mark.parametrize(("ferritin", "raised"), [(75, True), (75.1, False), (100, False)])
def test_adult_ferritin_raises_only_at_or_below_75(ferritin, raised):
    plain = daily_targets(parse_profile(WOMAN))["iron_mg"].target
    iron = daily_targets(parse_profile({**WOMAN, "labs": {"ferritin_ng_ml": ferritin}}))["iron_mg"]
    assert (iron.target > plain) is raised


def test_a_9_year_old_with_ferritin_60_gets_no_raise_and_with_40_does(tmp_path):
    plain = daily_targets(parse_profile(CHILD))["iron_mg"].target
    sixty = command_document(tmp_path, {**CHILD, "labs": {"ferritin": {"value": 60, "unit": "ug/L"}}})
    forty = command_document(tmp_path, {**CHILD, "labs": {"ferritin": {"value": 40, "unit": "ug/L"}}})
    assert sixty["targets"]["iron_mg"]["target"] == pytest.approx(plain)
    assert "Not raised" not in sixty["targets"]["iron_mg"]["reason"]
    assert "threshold for children" in sixty["targets"]["iron_mg"]["reason"]
    assert not any("iron therapy" in n or "IV iron" in n for n in sixty["notes"])
    assert forty["targets"]["iron_mg"]["target"] > plain
    assert "below 50 ng/mL" in forty["targets"]["iron_mg"]["reason"]
    assert any("child's clinician" in n for n in forty["notes"])


# --- Notes -----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("labs_json", "words"),
    [
        ({"vitamin_b12": {"value": 100, "unit": "pmol/L"}}, "pernicious anaemia"),
        ({"vitamin_b12_pg_ml": 250}, "methylmalonic acid"),
        ({"folate": {"value": 5, "unit": "nmol/L"}}, "B12 checked before taking folic acid"),
        ({"magnesium": {"value": 1.2, "unit": "mEq/L"}}, "should be found"),
        ({"vitamin_d_25oh": {"value": 20, "unit": "nmol/L"}}, "vitamin D supplement"),
    ],
)
def test_the_clinician_notes_show_whether_or_not_food_reaches_the_target(labs_json, words):
    document = generate_plan(parse_profile({**WOMAN, "labs": labs_json}))
    assert any(words in note for note in document["notes"]), document["notes"]


def test_pregnancy_smoking_and_kidney_notes():
    pregnant = generate_plan(parse_profile({**WOMAN, "age": 30, "life_stage": "pregnant", "smoker": True}))
    notes = " ".join(pregnant["notes"])
    assert "only after the first trimester" in notes and "400 µg of folic acid" in notes
    assert "eases within weeks of the birth" in notes
    assert "nicotine worsens RLS" in notes
    assert "kidney disease or dialysis" in pregnant["notes"][-1]
    plain = " ".join(generate_plan(parse_profile(WOMAN))["notes"])
    assert "trimester" not in plain and "nicotine" not in plain


def test_iv_iron_advice_in_pregnancy_always_carries_the_trimester_caveat():
    for ferritin in (40, 90):
        document = generate_plan(parse_profile({**WOMAN, "age": 30, "life_stage": "pregnant",
                                                "labs": {"ferritin_ng_ml": ferritin}}))
        for note in document["notes"]:
            if "IV iron" in note or "infusion" in note:
                assert "first trimester" in note, note


# --- The form --------------------------------------------------------------------------------------------------
def test_the_form_has_a_labelled_unit_beside_each_lab(client):
    body = client.get(reverse("planner:form")).content.decode()
    for name in labs.LAB_NAMES:
        lab = labs.LABS[name]
        assert f'<label for="id_{name}">{lab.label}</label>' in body
        assert f'<label for="id_{name}_unit" class="visually-hidden">{lab.label} unit</label>' in body
        assert f'name="{name}_unit"' in body
    assert '<option value="ug/L">µg/L</option>' in body and '<option value="mEq/L">mEq/L</option>' in body


def test_inline_check_of_a_lab_reads_its_unit(client):
    url = reverse("planner:validate", args=["vitamin_d_25oh"])
    bad = client.post(url, {"vitamin_d_25oh": "800", "vitamin_d_25oh_unit": "nmol/L"}, HTTP_HX_REQUEST="true")
    body = bad.content.decode()
    assert bad.status_code == 200 and 'id="field-vitamin_d_25oh"' in body and "<form" not in body
    assert "must be between 0 and 300 ng/mL" in body and "800 nmol/L" in body
    good = client.post(url, {"vitamin_d_25oh": "80", "vitamin_d_25oh_unit": "nmol/L"}, HTTP_HX_REQUEST="true")
    assert "must be between" not in good.content.decode()
    assert 'selected>nmol/L</option>' in good.content.decode()


def test_the_form_refuses_a_unit_that_does_not_fit_beside_the_field(client):
    response = client.post(reverse("planner:form"), {**FORM, "ferritin": "60", "ferritin_unit": "mmol/L"})
    assert response.status_code == 200
    body = response.content.decode()
    field = body[body.index('id="field-ferritin"') : body.index('id="field-transferrin_saturation"')]
    assert "Ferritin: mmol/L does not fit ferritin; use ng/mL, µg/L" in field


def test_the_form_and_generate_plan_give_the_same_targets_for_a_lab_in_either_unit(client, tmp_path):
    response = client.post(reverse("planner:form"), {**FORM, "ferritin": "60", "ferritin_unit": "ng/mL"})
    assert response.status_code == 302
    from planner.plan_store import DRAFTS

    key = response["Location"].rstrip("/").split("/")[-1]
    form_document = client.session[DRAFTS][key]["document"]
    command = command_document(tmp_path, {**WOMAN, "labs": {"ferritin": {"value": 60, "unit": "ug/L"}}})
    assert form_document["targets"] == command["targets"]
    assert form_document["targets"]["iron_mg"]["target"] > 18  # 60 ng/mL is at or below 75: raised


@st.composite
def lab_in_two_units(draw):
    name = draw(st.sampled_from(labs.LAB_NAMES))
    lab = labs.LABS[name]
    low, high = lab.plausible
    value = draw(st.integers(min_value=int(low * 100), max_value=int(min(high, 400) * 100))) / 100
    unit = draw(st.sampled_from(tuple(lab.units)))
    return name, value, unit, labs.from_canonical(name, value, unit)


@SAME
@given(case=lab_in_two_units(), age=st.sampled_from([9, 40]))
def test_a_value_in_either_unit_gives_the_same_targets_through_the_json_and_the_form(case, age):
    name, canonical, unit, shown = case
    lab = labs.LABS[name]
    person = {**WOMAN, "age": age, "weight_kg": 30 if age < 18 else 62, "height_cm": 135 if age < 18 else 166}
    legacy = rls_targets(parse_profile({**person, "labs": {lab.legacy_key: canonical}}))
    converted = rls_targets(parse_profile({**person, "labs": {name: {"value": shown, "unit": unit}}}))
    form = PlanForm(
        {**FORM, "age": str(age), "weight_kg": str(person["weight_kg"]), "height_cm": str(person["height_cm"]),
         name: repr(shown), f"{name}_unit": unit}
    )
    assert form.is_valid(), form.errors
    assert legacy == converted == rls_targets(form.profile)


def test_a_saved_profile_brings_its_lab_and_unit_back_into_the_form(client, django_user_model):
    from planner.plan_store import save_profile

    user = django_user_model.objects.create_user("lena")
    data = parse_profile({**WOMAN, "labs": {"vitamin_d_25oh": {"value": 49.92, "unit": "nmol/L"}}}).to_dict()
    profile = save_profile(user, "Me", data)
    client.force_login(user)
    body = client.get(reverse("planner:form") + f"?profile={profile.pk}").content.decode()
    field = body[body.index('id="field-vitamin_d_25oh"') : body.index('id="field-magnesium"')]
    assert 'name="vitamin_d_25oh" value="20.0"' in field and '<option value="ng/mL" selected>' in field


def test_an_old_stored_lab_key_still_parses():
    assert parse_profile({**WOMAN, "labs": {"transferrin_saturation_pct": 15}}).labs == {"transferrin_saturation": 15}
    with pytest.raises(ProfileError):
        parse_profile({**WOMAN, "labs": {"ferritin_ng_ml": {"value": 5, "unit": "ng/mL"}}})


def test_the_fuzzed_lab_fields_never_fail():
    c = Client(raise_request_exception=False)
    for value in ("", "abc", "1e999", "-5", "NaN"):
        for unit in ("", "ng/mL", "nmol/L", "x"):
            response = c.post(reverse("planner:form"), {**FORM, "vitamin_d_25oh": value, "vitamin_d_25oh_unit": unit})
            assert response.status_code in (200, 302)
