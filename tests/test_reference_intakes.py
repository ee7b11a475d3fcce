"""Reference intakes: the NIH ODS / National Academies DRI tables, the stated adjustments, and the lookups."""

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from nutrition.intake_tables import ADJUSTMENTS_CSV, INTAKES_CSV, INTAKES_FIXTURE
from nutrition.intakes import adjusted_intake, adjustments_for, reference_intakes
from nutrition.models import IntakeAdjustment, ReferenceIntake

pytestmark = pytest.mark.django_db

TABLED = {"iron_mg", "folate_ug_dfe", "magnesium_mg", "vitamin_b12_ug", "vitamin_d_ug", "vitamin_c_mg", "calcium_mg"}


def intake(code, age, sex, life_stage="none"):
    return reference_intakes(age, sex, life_stage)[code]


# Values checked by hand against the NIH ODS fact sheets' RDA and UL tables.
@pytest.mark.parametrize(
    "code, age, sex, life_stage, amount, upper_limit",
    [
        ("iron_mg", 25, "female", "none", 18, 45),
        ("iron_mg", 45, "female", "none", 18, 45),
        ("iron_mg", 30, "female", "pregnant", 27, 45),
        ("iron_mg", 19, "male", "none", 8, 45),
        ("iron_mg", 80, "male", "none", 8, 45),
        ("iron_mg", 60, "female", "none", 8, 45),
        ("iron_mg", 16, "female", "none", 15, 45),
        ("iron_mg", 16, "male", "none", 11, 45),
        ("iron_mg", 10, "female", "none", 8, 40),
        ("iron_mg", 16, "female", "lactating", 10, 45),
        ("iron_mg", 35, "female", "lactating", 9, 45),
        ("vitamin_d_ug", 6, "male", "none", 15, 75),
        ("vitamin_d_ug", 6, "female", "none", 15, 75),
        ("vitamin_d_ug", 2, "female", "none", 15, 63),
        ("vitamin_d_ug", 75, "female", "none", 20, 100),
        ("vitamin_d_ug", 70, "male", "none", 15, 100),
        ("folate_ug_dfe", 30, "female", "pregnant", 600, 1000),
        ("folate_ug_dfe", 16, "female", "lactating", 500, 800),
        ("folate_ug_dfe", 11, "male", "none", 300, 600),
        ("magnesium_mg", 25, "female", "none", 310, 350),
        ("magnesium_mg", 40, "male", "none", 420, 350),
        ("magnesium_mg", 17, "female", "pregnant", 400, 350),
        ("magnesium_mg", 2, "male", "none", 80, 65),
        ("vitamin_c_mg", 40, "male", "none", 90, 2000),
        ("vitamin_c_mg", 40, "female", "lactating", 120, 2000),
        ("vitamin_c_mg", 15, "female", "pregnant", 80, 1800),
        ("calcium_mg", 60, "female", "none", 1200, 2000),
        ("calcium_mg", 60, "male", "none", 1000, 2000),
        ("calcium_mg", 12, "male", "none", 1300, 3000),
        ("vitamin_b12_ug", 40, "female", "lactating", 2.8, None),
    ],
)
def test_reference_intakes_match_the_nih_tables(code, age, sex, life_stage, amount, upper_limit):
    row = intake(code, age, sex, life_stage)
    assert (row.amount, row.upper_limit) == (amount, upper_limit)
    assert row.kind == "rda"


def test_vegetarian_woman_19_to_50_needs_1_8_times_the_iron_rda():
    target = adjusted_intake(30, "female", "none", "vegetarian", smoker=False)["iron_mg"]
    assert target.amount == pytest.approx(32.4)
    assert target.base_amount == 18
    assert "RDA for women 19-30 is 18 mg" in target.explanation
    assert "x1.8 for a vegetarian diet" in target.explanation
    assert "= 32.4 mg" in target.explanation
    assert "Iron: Fact Sheet for Health Professionals" in target.explanation
    assert "https://ods.od.nih.gov/factsheets/Iron-HealthProfessional/" in target.source_urls


def test_vegan_iron_is_multiplied_once_not_twice():
    assert adjusted_intake(40, "female", "none", "vegan", False)["iron_mg"].amount == pytest.approx(32.4)
    assert adjusted_intake(40, "male", "none", "vegan", False)["iron_mg"].amount == pytest.approx(14.4)


def test_smoking_man_needs_35_mg_more_vitamin_c():
    target = adjusted_intake(40, "male", "none", "omnivore", smoker=True)["vitamin_c_mg"]
    assert target.amount == 125
    assert "RDA for men 31-50 is 90 mg; +35 mg for smoking" in target.explanation
    assert "= 125 mg" in target.explanation
    assert "https://ods.od.nih.gov/factsheets/VitaminC-HealthProfessional/" in target.source_urls


def test_omnivore_non_smoker_targets_are_the_plain_rdas():
    targets = adjusted_intake(40, "male", "none", "omnivore", smoker=False)
    assert set(targets) == TABLED
    assert all(t.amount == t.base_amount for t in targets.values())
    assert targets["iron_mg"].explanation.startswith("RDA for men 31-50 is 8 mg. Source: NIH ODS, Iron")


def test_pescatarian_gets_no_iron_adjustment():
    assert adjustments_for("pescatarian", smoker=False) == {}
    assert list(adjustments_for("vegetarian", smoker=True)) == ["iron_mg", "vitamin_c_mg"]


def test_vegetarian_pregnancy_iron_target_above_the_upper_limit_is_flagged_for_a_clinician():
    target = adjusted_intake(28, "female", "pregnant", "vegetarian", False)["iron_mg"]
    assert target.amount == pytest.approx(48.6)
    assert "above the upper limit of 45 mg" in target.explanation
    assert "clinician" in target.explanation


def test_children_4_to_8_vitamin_d_is_15_ug_with_upper_limit_75_for_both_sexes():
    for sex in ("female", "male"):
        target = adjusted_intake(6, sex, "none", "omnivore", False)["vitamin_d_ug"]
        assert (target.amount, target.upper_limit, target.upper_scope) == (15, 75, "all")
        assert target.upper_applies_to_food
        assert "children 4-8" in target.explanation


def test_magnesium_upper_limit_covers_supplements_only_not_food():
    target = adjusted_intake(40, "female", "none", "omnivore", False)["magnesium_mg"]
    assert (target.upper_limit, target.upper_scope) == (350, "supplements")
    assert not target.upper_applies_to_food
    assert {r.upper_scope for r in ReferenceIntake.objects.filter(nutrient__code="magnesium_mg")} == {"supplements"}


def test_an_rda_above_a_supplements_only_upper_limit_is_not_flagged():
    target = adjusted_intake(40, "male", "none", "omnivore", False)["magnesium_mg"]
    assert (target.amount, target.upper_limit) == (420, 350)
    assert "above the upper limit" not in target.explanation


def test_folate_upper_limit_covers_synthetic_folic_acid_only():
    target = adjusted_intake(40, "female", "none", "omnivore", False)["folate_ug_dfe"]
    assert (target.upper_limit, target.upper_scope) == (1000, "synthetic")
    assert not target.upper_applies_to_food
    assert {r.upper_scope for r in ReferenceIntake.objects.filter(nutrient__code="folate_ug_dfe")} == {"synthetic"}


def test_vitamin_b12_has_no_upper_limit():
    rows = ReferenceIntake.objects.filter(nutrient__code="vitamin_b12_ug")
    assert rows.count() == 22
    assert all(r.upper_limit is None and r.upper_scope == "none" for r in rows)
    b12 = adjusted_intake(40, "male", "none", "vegan", False)["vitamin_b12_ug"]
    assert "above the upper limit" not in b12.explanation


def test_a_75_year_old_needs_20_ug_vitamin_d():
    assert adjusted_intake(75, "female", "none", "omnivore", False)["vitamin_d_ug"].amount == 20
    assert "RDA for men 71+ is 20" in adjusted_intake(75, "male", "none", "omnivore", False)["vitamin_d_ug"].explanation


def test_every_age_sex_and_life_stage_has_exactly_one_row_per_nutrient():
    rows = list(ReferenceIntake.objects.select_related("nutrient"))
    groups = [(sex, "none", age) for sex in ("female", "male") for age in range(1, 121)]
    groups += [("female", stage, age) for stage in ("pregnant", "lactating") for age in range(14, 51)]
    problems = []
    for sex, stage, age in groups:
        matching = [
            r.nutrient.code for r in rows if (r.sex, r.life_stage) == (sex, stage) and r.age_min <= age <= r.age_max
        ]
        if sorted(matching) != sorted(TABLED):
            problems.append((sex, stage, age, sorted(matching)))
    assert not problems, problems[:5]
    assert not ReferenceIntake.objects.filter(sex="male").exclude(life_stage="none").exists()


def test_every_row_and_adjustment_cites_an_nih_fact_sheet():
    for row in [*ReferenceIntake.objects.all(), *IntakeAdjustment.objects.all()]:
        assert row.source.startswith("NIH ODS, ") and "Fact Sheet for Health Professionals" in row.source, row
        assert row.source_url.startswith("https://ods.od.nih.gov/factsheets/"), row


def test_pregnancy_outside_the_tabled_ages_uses_the_nearest_group():
    assert intake("magnesium_mg", 13, "female", "pregnant").age_min == 14
    assert intake("magnesium_mg", 13, "female", "pregnant").amount == 400
    assert intake("magnesium_mg", 52, "female", "lactating").amount == 320


@pytest.mark.parametrize(
    "args, message",
    [
        ((0, "female", "none"), "age 0 is outside 1-120"),
        ((121, "female", "none"), "age 121 is outside 1-120"),
        ((30.5, "female", "none"), "whole number"),
        ((30, "other", "none"), "sex must be one of"),
        ((30, "female", "expecting"), "life_stage must be one of"),
        ((30, "male", "pregnant"), "applies only to sex 'female'"),
    ],
)
def test_out_of_range_person_raises_a_clear_value_error(args, message):
    with pytest.raises(ValueError, match=message):
        reference_intakes(*args)


def test_unknown_diet_raises_a_clear_value_error():
    with pytest.raises(ValueError, match="diet must be one of vegan, vegetarian, pescatarian, omnivore"):
        adjusted_intake(30, "female", "none", "carnivore", False)


def test_fixture_is_up_to_date_with_the_tables_and_rebuilds_identically(tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    call_command("build_reference_intakes", output=first, stdout=StringIO())
    call_command("build_reference_intakes", output=second, stdout=StringIO())
    assert first.read_bytes() == second.read_bytes() == Path(INTAKES_FIXTURE).read_bytes()
    assert '"pk"' not in first.read_text()


def test_loading_the_fixture_again_updates_rather_than_duplicates():
    before = (ReferenceIntake.objects.count(), IntakeAdjustment.objects.count())
    call_command("loaddata", str(INTAKES_FIXTURE), verbosity=0)
    assert (ReferenceIntake.objects.count(), IntakeAdjustment.objects.count()) == before == (154, 3)


def copy_table(source, target, edit):
    with open(source, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rows = edit(rows)
    with open(target, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return target


def build(tmp_path, intakes_edit=lambda rows: rows, adjustments_edit=lambda rows: rows):
    output = tmp_path / "out.json"
    call_command(
        "build_reference_intakes",
        intakes=copy_table(INTAKES_CSV, tmp_path / "reference_intakes.csv", intakes_edit),
        adjustments=copy_table(ADJUSTMENTS_CSV, tmp_path / "intake_adjustments.csv", adjustments_edit),
        output=output,
        stdout=StringIO(),
    )
    return output


def without_group(code, sex, age_min):
    return lambda rows: [r for r in rows if (r["nutrient"], r["sex"], r["age_min"]) != (code, sex, str(age_min))]


def edited(index, **changes):
    def edit(rows):
        rows[index] = {**rows[index], **changes}
        return rows

    return edit


@pytest.mark.parametrize(
    "intakes_edit, adjustments_edit, message",
    [
        (without_group("iron_mg", "male", 31), None, "iron_mg male: no row for age(s) 31-50"),
        (edited(0, age_max="5"), None, "iron_mg female: more than one row for age(s) 4-5"),
        (edited(2, source=""), None, "reference_intakes.csv row 4: source is empty"),
        (edited(0, nutrient="iron"), None, "reference_intakes.csv row 2: nutrient 'iron' is not one of"),
        (edited(0, amount="seven"), None, "reference_intakes.csv row 2: amount 'seven' is not a number"),
        (edited(0, upper_limit=""), None, "row 2: upper_limit must be empty exactly when upper_scope is 'none'"),
        (edited(0, life_stage="pregnant", sex="male"), None, "row 2: life_stage 'pregnant' needs sex 'female'"),
        (None, edited(2, addend="-"), "intake_adjustments.csv row 4: addend '-' is not a number"),
        (None, edited(1, condition="vegetarian"), "intake_adjustments.csv row 3: a second row for iron_mg vegetarian"),
    ],
)
def test_bad_table_rows_are_named_and_nothing_is_written(tmp_path, intakes_edit, adjustments_edit, message):
    with pytest.raises(CommandError) as raised:
        build(tmp_path, intakes_edit or (lambda rows: rows), adjustments_edit or (lambda rows: rows))
    assert message in str(raised.value)
    assert "was not written" in str(raised.value)
    assert not (tmp_path / "out.json").exists()
