"""planner/labs.py on its own: units and conversions, every band edge, and what `assess` raises, blocks and says."""

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner import labs
from planner.labs import LABS, LabError, assess, from_canonical, normalise_unit, to_canonical


def test_the_six_labs_with_todays_units_and_keys():
    names = ("ferritin", "transferrin_saturation", "vitamin_b12", "folate", "vitamin_d_25oh", "magnesium")
    assert labs.LAB_NAMES == names
    assert {n: (LABS[n].canonical_unit, LABS[n].legacy_key) for n in labs.LAB_NAMES} == {
        "ferritin": ("ng/mL", "ferritin_ng_ml"),
        "transferrin_saturation": ("%", "transferrin_saturation_pct"),
        "vitamin_b12": ("pg/mL", "vitamin_b12_pg_ml"),
        "folate": ("ng/mL", "folate_ng_ml"),
        "vitamin_d_25oh": ("ng/mL", "vitamin_d_25oh_ng_ml"),
        "magnesium": ("mg/dL", "magnesium_mg_dl"),
    }
    with pytest.raises(dataclasses.FrozenInstanceError):
        LABS["ferritin"].canonical_unit = "ug/L"


@pytest.mark.parametrize(
    ("text", "unit"),
    [("ng/mL", "ng/mL"), ("ng/ml", "ng/mL"), ("NG/ML", "ng/mL"), ("µg/L", "ug/L"), ("μg/l", "ug/L"), ("ug/L", "ug/L"),
     ("mcg/L", "ug/L"), (" pmol / L ", "pmol/L"), ("meq/l", "mEq/L"), ("MMOL/L", "mmol/L"), ("%", "%")],
)
def test_units_are_read_as_people_type_them(text, unit):
    assert normalise_unit(text) == unit


@pytest.mark.parametrize(
    ("lab", "value", "unit", "canonical"),
    [
        ("ferritin", 60, "ug/L", 60),
        ("ferritin", 60, "µg/L", 60),
        ("transferrin_saturation", 30, "%", 30),
        ("vitamin_b12", 73.8, "pmol/L", 100),  # 1 pg/mL = 0.738 pmol/L
        ("folate", 22.66, "nmol/L", 10),  # 1 ng/mL = 2.266 nmol/L
        ("vitamin_d_25oh", 49.92, "nmol/L", 20),  # 1 ng/mL = 2.496 nmol/L
        ("vitamin_d_25oh", 35, "nmol/L", 35 / 2.496),
        ("magnesium", 0.85, "mmol/L", 0.85 / 0.4114),  # 1 mg/dL = 0.4114 mmol/L
        ("magnesium", 1.7, "mEq/L", 1.7 / 2 / 0.4114),  # mEq/L = 2 x mmol/L
        ("magnesium", 1.8, "mg/dL", 1.8),
    ],
)
def test_every_conversion_to_the_canonical_unit_and_back(lab, value, unit, canonical):
    assert to_canonical(lab, value, unit) == pytest.approx(canonical, rel=1e-9)
    assert from_canonical(lab, to_canonical(lab, value, unit), unit) == pytest.approx(value, rel=1e-9)


def test_legacy_keys_name_the_same_lab():
    assert labs.lab("ferritin_ng_ml") is LABS["ferritin"]
    assert to_canonical("magnesium_mg_dl", 0.85, "mmol/L") == to_canonical("magnesium", 0.85, "mmol/L")


def test_an_unknown_lab_or_a_unit_that_does_not_fit_is_a_lab_error_naming_the_field():
    with pytest.raises(LabError) as error:
        to_canonical("zinc", 1, "ng/mL", field="labs.zinc")
    assert error.value.field == "labs.zinc" and "ferritin" in error.value.message
    assert isinstance(error.value, ValueError)
    with pytest.raises(LabError, match=r"^labs\.ferritin\.unit: mmol/L does not fit ferritin; use ng/mL, µg/L$"):
        to_canonical("ferritin", 60, "mmol/L", field="labs.ferritin")
    with pytest.raises(LabError, match=r"vitamin_d_25oh\.unit: 'IU' is not a unit"):
        to_canonical("vitamin_d_25oh", 30, "IU")


@given(st.sampled_from(labs.LAB_NAMES).flatmap(lambda n: st.tuples(st.just(n), st.sampled_from(tuple(LABS[n].units)))),
       st.integers(min_value=0, max_value=50_000).map(lambda i: i / 10))
def test_a_canonical_value_shown_in_any_unit_and_read_back_is_the_same_value(lab_and_unit, value):
    name, unit = lab_and_unit
    assert to_canonical(name, from_canonical(name, value, unit), unit) == value


# --- Ferritin and transferrin saturation (AASM 2024) ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "key", "raises", "blocks"),
    [(74.9, "iron_therapy", True, False), (75, "iron_therapy", True, False), (75.1, "iv_only", False, False),
     (100, "iv_only", False, False), (100.1, "no_iron_therapy", False, True)],
)
def test_adult_ferritin_bands_at_their_edges(value, key, raises, blocks):
    band = labs.ferritin_band(value, age=40)
    assert (band.key, band.raises, band.blocks) == (key, raises, blocks)
    assert "AASM 2024" in band.text and band.source == labs.AASM_2024


def test_ferritin_band_words():
    assert "below the level at which the AASM 2024 guideline suggests iron therapy for RLS" in labs.ferritin_band(
        75, age=40
    ).text
    assert "deficien" not in labs.ferritin_band(75, age=40).text
    iv = labs.ferritin_band(90, age=40).text
    assert "only IV iron may be considered here" in iv and "ask your clinician" in iv
    assert "does not suggest iron therapy for RLS" in labs.ferritin_band(101, age=40).text


@pytest.mark.parametrize(
    ("age", "value", "raises"), [(9, 49.9, True), (9, 50, False), (9, 60, False), (17, 49, True), (18, 60, True)]
)
def test_children_under_18_use_the_pediatric_threshold_of_50(age, value, raises):
    assert labs.ferritin_band(value, age=age).raises is raises


def test_in_pregnancy_iv_iron_words_carry_the_trimester_caveat():
    assert "after the first trimester" in labs.ferritin_band(90, age=30, life_stage="pregnant").text
    assert "trimester" not in labs.ferritin_band(90, age=30).text


@pytest.mark.parametrize(
    ("value", "key", "raises", "blocks"),
    [(19.9, "iron_therapy", True, False), (20, "normal", False, False), (44.9, "normal", False, False),
     (45, "no_iron_therapy", False, True)],
)
def test_transferrin_saturation_bands_at_their_edges(value, key, raises, blocks):
    band = labs.tsat_band(value, age=40)
    assert (band.key, band.raises, band.blocks) == (key, raises, blocks)


def test_ferritin_800_blocks_the_iron_raise_and_asks_about_overload():
    result = assess({"ferritin": 800}, age=40, sex="female")
    assert "iron" in result.blocks and "iron" not in result.raises
    assert not result.absorption_tips_allowed
    overload = [n for n in result.notes if n.key == "iron_overload"]
    assert overload and "haemochromatosis" in overload[0].text
    assert "before taking any iron supplement" in overload[0].text


@pytest.mark.parametrize(
    ("sex", "ferritin", "overload"),
    [("female", 200, False), ("female", 201, True), ("male", 300, False), ("male", 301, True)],
)
def test_overload_note_above_200_for_women_and_300_for_men(sex, ferritin, overload):
    keys = {n.key for n in assess({"ferritin": ferritin}, age=40, sex=sex).notes}
    assert ("iron_overload" in keys) is overload
    assert "iron" in assess({"ferritin": ferritin}, age=40, sex=sex).blocks  # above 100 either way


def test_saturation_of_45_blocks_even_a_low_ferritin_and_asks_about_overload():
    result = assess({"ferritin": 30, "transferrin_saturation": 45}, age=40, sex="male")
    assert "iron" in result.blocks and "iron" not in result.raises
    assert {n.key for n in result.notes} >= {"iron_overload"}
    assert "iron_therapy" not in {n.key for n in result.notes}


def test_ferritin_between_100_and_the_overload_cut_off_says_why_there_is_no_raise():
    result = assess({"ferritin": 150}, age=40, sex="female")
    assert [n.key for n in result.notes] == ["iron_no_raise"]


def test_low_ferritin_raises_iron_and_points_to_a_clinician():
    result = assess({"ferritin": 40}, age=40, sex="female")
    assert "iron" in result.raises and result.absorption_tips_allowed
    note = next(n for n in result.notes if n.key == "iron_therapy")
    assert "clinician" in note.text and "AASM 2024" in note.text


def test_a_child_with_low_ferritin_is_pointed_to_the_childs_clinician_not_told_about_iv_iron():
    note = next(n for n in assess({"ferritin": 40}, age=9, sex="male").notes if n.key == "iron_therapy")
    assert "child's clinician" in note.text and "IV" not in note.text


def test_a_child_with_ferritin_60_gets_no_raise_and_no_iron_therapy_note():
    result = assess({"ferritin": 60}, age=9, sex="female")
    assert result.raises == {} and result.blocks == {}
    assert not [n for n in result.notes if n.key.startswith("iron")]


# --- Vitamin D, B12, folate, magnesium ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "key", "raises"),
    [(11.9, "deficient", True), (12, "inadequate", True), (19.9, "inadequate", True), (20, "adequate", False),
     (50, "adequate", False), (50.1, "high", False)],
)
def test_vitamin_d_bands_at_12_and_20_ng_ml(value, key, raises):
    band = labs.vitamin_d_band(value)
    assert (band.key, band.raises) == (key, raises)
    assert "NIH ODS" in band.text


def test_vitamin_d_words():
    assert "deficient" in labs.vitamin_d_band(11).text and "inadequate" in labs.vitamin_d_band(14).text
    assert "35 nmol/L" in labs.vitamin_d_band(to_canonical("vitamin_d_25oh", 35, "nmol/L")).text


@pytest.mark.parametrize(
    ("value", "key", "raises"),
    [(199, "low", True), (200, "borderline", False), (300, "borderline", False), (301, "normal", False)],
)
def test_b12_bands(value, key, raises):
    band = labs.vitamin_b12_band(value)
    assert (band.key, band.raises) == (key, raises)


@pytest.mark.parametrize(("value", "raises"), [(2.9, True), (3, False)])
def test_folate_band_edge(value, raises):
    assert labs.folate_band(value).raises is raises


@pytest.mark.parametrize(("value", "raises"), [(1.69, True), (1.7, False), (0.85 / 0.4114, False)])
def test_magnesium_band_edge(value, raises):
    assert labs.magnesium_band(value).raises is raises


def test_only_a_low_value_raises():
    result = assess({"vitamin_b12": 250, "folate": 10, "vitamin_d_25oh": 30, "magnesium": 2.0}, age=40, sex="male")
    assert result.raises == {} and result.blocks == {}


@pytest.mark.parametrize(
    ("lab", "value", "key", "words"),
    [
        ("vitamin_b12", 150, "b12_absorption", ("absorption", "pernicious anaemia", "metformin", "acid-reducing")),
        ("vitamin_b12", 250, "b12_borderline", ("methylmalonic acid",)),
        ("folate", 2, "folate_check_b12", ("B12 checked before taking folic acid",)),
        ("magnesium", 1.5, "magnesium_cause", ("cause", "should be found")),
        ("vitamin_d_25oh", 10, "vitamin_d_supplement", ("supplement",)),
        ("vitamin_d_25oh", 15, "vitamin_d_supplement", ("supplement",)),
        ("vitamin_d_25oh", 60, "vitamin_d_high", ("adverse",)),
    ],
)
def test_each_clinician_note(lab, value, key, words):
    notes = {n.key: n for n in assess({lab: value}, age=40, sex="female").notes}
    assert key in notes
    for word in words:
        assert word in notes[key].text
    assert notes[key].source


def test_a_vitamin_d_above_50_blocks_its_raise():
    result = assess({"vitamin_d_25oh": 60}, age=40, sex="female")
    assert "vitamin_d" in result.blocks


def test_pregnancy_notes():
    notes = {n.key: n.text for n in labs.pregnancy_notes("pregnant")}
    assert "only after the first trimester" in notes["pregnancy_iv_iron"]
    assert "400 µg of folic acid" in notes["pregnancy_folic_acid"] and "could become pregnant" in notes[
        "pregnancy_folic_acid"
    ]
    assert "eases" in notes["pregnancy_rls_eases"] and "birth" in notes["pregnancy_rls_eases"]
    assert labs.pregnancy_notes("none") == [] and labs.pregnancy_notes("lactating") == []


def test_pregnant_low_ferritin_note_carries_the_first_trimester_caveat():
    result = assess({"ferritin": 40}, age=30, sex="female", life_stage="pregnant")
    note = next(n for n in result.notes if n.key == "iron_therapy")
    assert "only after the first trimester" in note.text
