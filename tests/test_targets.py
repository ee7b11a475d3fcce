"""Personal daily targets: DRI values checked by hand against the NIH ODS tables, energy equations, reasons."""

import pytest

from nutrition.models import Nutrient
from planner.profiles import ProfileError, parse_profile
from planner.targets import daily_targets, energy_kcal

pytestmark = pytest.mark.django_db


def person(**fields):
    base = {"age": 30, "sex": "female", "weight_kg": 60, "height_cm": 165}
    return parse_profile({**base, **fields})


@pytest.mark.parametrize(
    ("fields", "code", "expected"),
    [
        ({"age": 30, "sex": "female"}, "iron_mg", 18),
        ({"age": 30, "sex": "female", "life_stage": "pregnant"}, "iron_mg", 27),
        ({"age": 40, "sex": "male", "weight_kg": 80, "height_cm": 180}, "iron_mg", 8),
        ({"age": 30, "sex": "female", "diet": "vegetarian"}, "iron_mg", 32.4),
        ({"age": 40, "sex": "male", "weight_kg": 80, "height_cm": 180, "smoker": True}, "vitamin_c_mg", 125),
        ({"age": 6, "sex": "male", "weight_kg": 21, "height_cm": 116}, "vitamin_d_ug", 15),
        ({"age": 75, "sex": "female"}, "vitamin_d_ug", 20),
        ({"age": 30, "sex": "female"}, "calcium_mg", 1000),
        ({"age": 40, "sex": "male", "weight_kg": 80, "height_cm": 180}, "magnesium_mg", 420),
        ({"age": 30, "sex": "female"}, "folate_ug_dfe", 400),
        ({"age": 30, "sex": "female"}, "vitamin_b12_ug", 2.4),
    ],
)
def test_target_equals_the_dri_for_the_group(fields, code, expected):
    assert daily_targets(person(**fields))[code].target == pytest.approx(expected)


def test_every_nutrient_code_has_a_target_row_with_a_reason_and_unit():
    targets = daily_targets(person())
    assert set(targets) == set(Nutrient.objects.values_list("code", flat=True))
    for code, target in targets.items():
        assert target.reason, code
        assert target.unit == Nutrient.objects.get(code=code).unit


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"diet": "vegan", "deficiencies": ["iron", "vitamin_d", "vitamin_c", "folate", "magnesium", "vitamin_b12"]},
        {"age": 30, "life_stage": "pregnant", "diet": "vegetarian", "deficiencies": ["iron"]},
        {"age": 5, "sex": "male", "weight_kg": 19, "height_cm": 110, "deficiencies": ["iron", "vitamin_d"]},
        {"age": 16, "diet": "vegan", "smoker": True, "deficiencies": ["vitamin_c", "iron"]},
    ],
)
def test_a_target_never_exceeds_the_upper_limit_that_applies_to_food(fields):
    for code, target in daily_targets(person(**fields)).items():
        if target.upper is not None and target.target is not None:
            assert target.target <= target.upper, code


def test_food_magnesium_and_folate_have_no_food_upper_but_folic_acid_does():
    targets = daily_targets(person())
    assert targets["magnesium_mg"].upper is None
    assert "supplement" in targets["magnesium_mg"].reason.lower()
    assert targets["folate_ug_dfe"].upper is None
    assert targets["folic_acid_ug"].upper == 1000
    assert targets["vitamin_b12_ug"].upper is None
    assert targets["iron_mg"].upper == 45


def test_vegetarian_iron_reason_explains_the_adjustment():
    reason = daily_targets(person(diet="vegetarian"))["iron_mg"].reason
    assert "1.8" in reason


def test_low_ferritin_raises_iron_and_the_reason_cites_the_threshold():
    plain = daily_targets(person())["iron_mg"]
    low = daily_targets(person(labs={"ferritin_ng_ml": 50}))["iron_mg"]
    assert low.target > plain.target
    assert low.target <= low.upper
    assert "75 ng/mL" in low.reason
    assert "AASM" in low.reason


def test_low_transferrin_saturation_raises_iron():
    plain = daily_targets(person())["iron_mg"]
    low = daily_targets(person(labs={"transferrin_saturation_pct": 15}))["iron_mg"]
    assert low.target > plain.target
    assert "20%" in low.reason


@pytest.mark.parametrize(
    ("lab", "value", "code", "threshold"),
    [
        ("vitamin_b12_pg_ml", 150, "vitamin_b12_ug", "200 pg/mL"),
        ("folate_ng_ml", 2.5, "folate_ug_dfe", "3 ng/mL"),
        ("vitamin_d_25oh_ng_ml", 12, "vitamin_d_ug", "20 ng/mL"),
        ("magnesium_mg_dl", 1.5, "magnesium_mg", "1.7 mg/dL"),
    ],
)
def test_low_labs_imply_deficiencies_with_the_threshold_in_the_reason(lab, value, code, threshold):
    plain = daily_targets(person())[code]
    low = daily_targets(person(labs={lab: value}))[code]
    assert low.target > plain.target
    assert threshold in low.reason


def test_normal_labs_leave_targets_unchanged():
    plain = daily_targets(person())
    normal = daily_targets(person(labs={"ferritin_ng_ml": 120, "vitamin_d_25oh_ng_ml": 35, "vitamin_b12_pg_ml": 500}))
    for code in ("iron_mg", "vitamin_d_ug", "vitamin_b12_ug"):
        assert normal[code].target == plain[code].target


def test_stated_deficiency_raises_the_target_and_says_so():
    raised = daily_targets(person(deficiencies=["vitamin_d"]))["vitamin_d_ug"]
    assert raised.target == pytest.approx(22.5)
    assert "1.5" in raised.reason


def test_adult_energy_is_mifflin_st_jeor_times_activity():
    # 10 x 60 + 6.25 x 165 - 5 x 30 - 161 = 1320.25 kcal resting; x 1.375 for low activity.
    kcal, reason = energy_kcal(person(activity="low"))
    assert kcal == pytest.approx(1320.25 * 1.375)
    assert "Mifflin" in reason
    # 10 x 80 + 6.25 x 180 - 5 x 40 + 5 = 1730; x 1.55 active.
    kcal, _ = energy_kcal(person(age=40, sex="male", weight_kg=80, height_cm=180, activity="active"))
    assert kcal == pytest.approx(1730 * 1.55)


def test_child_energy_follows_the_iom_eer_equations():
    # Girl 6, 20 kg, 1.15 m, low active (PA 1.16): 135.3 - 30.8 x 6 + 1.16 x (10 x 20 + 934 x 1.15) + 20.
    kcal, reason = energy_kcal(person(age=6, weight_kg=20, height_cm=115, activity="low"))
    assert kcal == pytest.approx(135.3 - 184.8 + 1.16 * (200 + 1074.1) + 20)
    assert "IOM 2005" in reason
    # Boy 12, 40 kg, 1.5 m, active (PA 1.26): 88.5 - 61.9 x 12 + 1.26 x (26.7 x 40 + 903 x 1.5) + 25.
    kcal, _ = energy_kcal(person(age=12, sex="male", weight_kg=40, height_cm=150, activity="active"))
    assert kcal == pytest.approx(88.5 - 742.8 + 1.26 * (1068 + 1354.5) + 25)
    # Toddler 2, 12 kg: 89 x 12 - 100 + 20.
    kcal, _ = energy_kcal(person(age=2, weight_kg=12, height_cm=86))
    assert kcal == pytest.approx(988)


def test_pregnancy_and_lactation_add_their_energy_increments():
    base, _ = energy_kcal(person())
    pregnant, reason = energy_kcal(person(life_stage="pregnant"))
    lactating, _ = energy_kcal(person(life_stage="lactating"))
    assert pregnant == pytest.approx(base + 340)
    assert "second-trimester" in reason
    assert lactating == pytest.approx(base + 330)


def test_macros_are_ranges_inside_the_amdr_in_grams():
    targets = daily_targets(person())
    kcal = targets["energy_kcal"].target
    assert targets["protein_g"].low == pytest.approx(kcal * 0.10 / 4)
    assert targets["protein_g"].high == pytest.approx(kcal * 0.35 / 4)
    assert targets["fat_g"].low == pytest.approx(kcal * 0.20 / 9)
    assert targets["carbohydrate_g"].high == pytest.approx(kcal * 0.65 / 4)
    toddler = daily_targets(person(age=2, weight_kg=12, height_cm=86))
    assert toddler["fat_g"].low == pytest.approx(toddler["energy_kcal"].target * 0.30 / 9)
    assert targets["fiber_g"].target == pytest.approx(kcal * 14 / 1000)


def test_sodium_caffeine_and_alcohol_rows_say_why():
    targets = daily_targets(person())
    assert targets["sodium_mg"].upper == 2300
    assert daily_targets(person(age=6, weight_kg=20, height_cm=115))["sodium_mg"].upper == 1500
    assert targets["caffeine_mg"].target is None
    assert "RLS" in targets["caffeine_mg"].reason and "midday" in targets["caffeine_mg"].reason
    assert targets["alcohol_g"].target == 0 and targets["alcohol_g"].upper == 0
    assert "RLS" in targets["alcohol_g"].reason


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"age": 500, "sex": "female", "weight_kg": 60, "height_cm": 165}, "age: must be between 1 and 120"),
        ({"age": 30, "weight_kg": 60, "height_cm": 165}, "sex: this field is required"),
        (
            {"age": 30, "sex": "female", "weight_kg": 60, "height_cm": 165, "diet": "keto"},
            "diet: 'keto' is not one of omnivore, pescatarian, vegetarian, vegan",
        ),
        ({"age": 30, "sex": "male", "weight_kg": 80, "height_cm": 180, "life_stage": "pregnant"}, "life_stage:"),
        ({"age": 30, "sex": "female", "weight_kg": 60, "height_cm": 165, "exclude": ["gluten", "kale"]}, "exclude:"),
        ({"age": 30, "sex": "female", "weight_kg": 60, "height_cm": 165, "labs": {"ferritin_ng_ml": -1}}, "labs."),
        ({"age": 30, "sex": "female", "weight_kg": 12, "height_cm": 200}, "weight_kg: 12 kg at 200 cm is a BMI of 3.0"),
    ],
)
def test_bad_profiles_name_the_field(data, message):
    with pytest.raises(ProfileError) as caught:
        parse_profile(data)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_profile_defaults():
    profile = person()
    assert (profile.days, profile.meals_per_day, profile.snacks_per_day) == (7, 3, 1)
    assert (profile.smoker, profile.life_stage, profile.exclude, profile.deficiencies) == (False, "none", (), ())
