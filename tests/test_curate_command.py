"""manage.py curate_sr26: rebuilds the committed food fixtures exactly, and refuses a bad list without writing."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from nutrition.models import Food

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
FOODS_LIST = Path(settings.BASE_DIR) / "nutrition" / "curation" / "sr26_foods.csv"
HEADER = "ndb_no,name,diet,allergens,aggravators\n"


def curate(tmp_path: Path, *lists: Path) -> tuple[Path, str]:
    out = tmp_path / "out"
    stdout = StringIO()
    options = {"lists": [str(p) for p in lists]} if lists else {}
    call_command("curate_sr26", output_dir=str(out), stdout=stdout, **options)
    return out, stdout.getvalue()


def test_rerunning_the_curation_reproduces_the_committed_fixtures_byte_for_byte(tmp_path):
    out, printed = curate(tmp_path)
    for name in ("food_groups.json", "foods.json"):
        assert (out / name).read_bytes() == (FIXTURES / name).read_bytes(), name
    foods = json.loads((out / "foods.json").read_text(encoding="utf-8"))
    count = sum(o["model"] == "nutrition.food" for o in foods)
    amounts = sum(o["model"] == "nutrition.nutrientamount" for o in foods)
    portions = sum(o["model"] == "nutrition.portion" for o in foods)
    assert f"{count} foods (" in printed and f"{amounts} amounts, {portions} portions." in printed
    assert all("pk" not in o for o in foods)


def test_food_groups_fixture_lists_every_sr_group_by_code(sr_bytes, tmp_path):
    out, _ = curate(tmp_path)
    groups = json.loads((out / "food_groups.json").read_text(encoding="utf-8"))
    lines = sr_bytes("FD_GROUP.txt").decode("latin-1").splitlines()
    expected = sorted(tuple(field.strip("~") for field in line.split("^")) for line in lines)
    assert [(g["fields"]["code"], g["fields"]["name"]) for g in groups] == expected
    assert {g["model"] for g in groups} == {"nutrition.foodgroup"}


def write_list(path: Path, body: str) -> Path:
    path.write_text(HEADER + body, encoding="utf-8")
    return path


BAD_ROWS = {
    "unknown NDB": ("99999,Mystery food,vegan,,\n", "unknown NDB number '99999'"),
    "unknown diet": ("16070,Lentils again,keto,,\n", "unknown diet 'keto'"),
    "unknown allergen": ("16070,Lentils again,vegan,celery,\n", "unknown allergen 'celery'"),
    "unknown aggravator": ("14209,Coffee again,vegan,,sugar\n", "unknown aggravator 'sugar'"),
    "duplicate name": ('11001,"Lentils, boiled",vegan,,\n', "duplicate name 'Lentils, boiled'"),
    "capitals": ("11001,ALFALFA SPROUTS,vegan,,\n", "name 'ALFALFA SPROUTS' is in capitals"),
}


@pytest.mark.parametrize("case", BAD_ROWS, ids=list(BAD_ROWS))
def test_a_bad_row_fails_naming_the_file_and_row_and_writes_nothing(case, tmp_path):
    row, message = BAD_ROWS[case]
    bad_list = tmp_path / "bad_list.csv"
    bad_list.write_text(FOODS_LIST.read_text(encoding="utf-8") + row, encoding="utf-8")
    rows = len(bad_list.read_text(encoding="utf-8").splitlines())
    out = tmp_path / "out"
    out.mkdir()
    (out / "foods.json").write_text("old", encoding="utf-8")
    with pytest.raises(CommandError) as failure:
        call_command("curate_sr26", output_dir=str(out), lists=[str(bad_list)], stdout=StringIO())
    assert f"{bad_list}, row {rows}: {message}" in str(failure.value)
    assert "Nothing was written" in str(failure.value)
    assert sorted(p.name for p in out.iterdir()) == ["foods.json"]
    assert (out / "foods.json").read_text(encoding="utf-8") == "old"


def test_the_same_food_listed_twice_with_other_tags_is_refused(tmp_path):
    first = write_list(tmp_path / "foods.csv", '16070,"Lentils, boiled",vegan,,\n')
    second = write_list(tmp_path / "for_meals.csv", '16070,"Lentils, boiled",vegan,soy,\n')
    with pytest.raises(CommandError) as failure:
        curate(tmp_path, first, second)
    assert f"{second}, row 2: NDB 16070 is already listed at {first}, row 2" in str(failure.value)
    assert not (tmp_path / "out").exists()


@pytest.mark.django_db
def test_a_meals_list_may_repeat_a_food_and_add_one_and_the_result_loads(tmp_path):
    foods = write_list(tmp_path / "foods.csv", '16070,"Lentils, boiled",vegan,,\n')
    for_meals = write_list(
        tmp_path / "for_meals.csv",
        '16070,"Lentils, boiled",vegan,,\n11001,"Alfalfa sprouts, raw",vegan,,\n',
    )
    out, printed = curate(tmp_path, foods, for_meals)
    assert "2 foods (" in printed
    call_command("loaddata", str(out / "food_groups.json"), str(out / "foods.json"), verbosity=0)
    sprouts = Food.objects.get(source="usda-sr26", source_id="11001")
    assert sprouts.name == "Alfalfa sprouts, raw" and sprouts.diet == "vegan"
    assert sprouts.amounts.filter(nutrient__code="iron_mg").exists()


def test_a_missing_sr_directory_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="ABBREV.txt not found"):
        call_command("curate_sr26", sr_dir=str(tmp_path), output_dir=str(tmp_path / "out"), stdout=StringIO())
    assert not (tmp_path / "out").exists()


def test_a_malformed_sr_line_is_named_and_nothing_is_written(sr_bytes, tmp_path):
    broken = tmp_path / "sr"
    broken.mkdir()
    for name in ("FD_GROUP.txt", "FOOD_DES.txt", "WEIGHT.txt"):
        (broken / name).write_bytes(sr_bytes(name))
    lines = sr_bytes("ABBREV.txt").split(b"\r\n")
    lines[2] = lines[2].rsplit(b"^", 1)[0]  # one field short
    (broken / "ABBREV.txt").write_bytes(b"\r\n".join(lines))
    with pytest.raises(CommandError, match=r"ABBREV.txt, line 3: expected 53 fields, found 52"):
        call_command("curate_sr26", sr_dir=str(broken), output_dir=str(tmp_path / "out"), stdout=StringIO())
    assert not (tmp_path / "out").exists()


def test_a_list_file_that_does_not_exist_is_named(tmp_path):
    missing = tmp_path / "nope.csv"
    with pytest.raises(CommandError, match=f"{missing}: no such list file"):
        curate(tmp_path, missing)
    assert not (tmp_path / "out").exists()
