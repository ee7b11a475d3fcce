"""Read the USDA National Nutrient Database for Standard Reference, Release 26 (SR26), ASCII edition.

The release is a set of `^`-separated files with text fields quoted by `~`, Latin-1 encoded, CRLF line ends and
no header rows. Every field is read as a string so values stay exactly as USDA wrote them ("0.40" stays "0.40");
an empty field is missing (unknown), never zero. Nothing here touches the database: callers (the curation
command, a full importer) decide what to do with the frames.
"""

from __future__ import annotations

import gzip
import io
import re
from pathlib import Path

import pandas as pd

FOOD_GROUP_COLUMNS = ["FdGrp_Cd", "FdGrp_Desc"]

FOOD_DES_COLUMNS = [
    "NDB_No",
    "FdGrp_Cd",
    "Long_Desc",
    "Shrt_Desc",
    "ComName",
    "ManufacName",
    "Survey",
    "Ref_desc",
    "Refuse",
    "SciName",
    "N_Factor",
    "Pro_Factor",
    "Fat_Factor",
    "CHO_Factor",
]

WEIGHT_COLUMNS = ["NDB_No", "Seq", "Amount", "Msre_Desc", "Gm_Wgt", "Num_Data_Pts", "Std_Dev"]

# ABBREV.txt columns in file order (SR26 documentation, "Abbreviated file").
ABBREV_COLUMNS = [
    "NDB_No",
    "Shrt_Desc",
    "Water_(g)",
    "Energ_Kcal",
    "Protein_(g)",
    "Lipid_Tot_(g)",
    "Ash_(g)",
    "Carbohydrt_(g)",
    "Fiber_TD_(g)",
    "Sugar_Tot_(g)",
    "Calcium_(mg)",
    "Iron_(mg)",
    "Magnesium_(mg)",
    "Phosphorus_(mg)",
    "Potassium_(mg)",
    "Sodium_(mg)",
    "Zinc_(mg)",
    "Copper_(mg)",
    "Manganese_(mg)",
    "Selenium_(µg)",
    "Vit_C_(mg)",
    "Thiamin_(mg)",
    "Riboflavin_(mg)",
    "Niacin_(mg)",
    "Panto_Acid_(mg)",
    "Vit_B6_(mg)",
    "Folate_Tot_(µg)",
    "Folic_Acid_(µg)",
    "Food_Folate_(µg)",
    "Folate_DFE_(µg)",
    "Choline_Tot_(mg)",
    "Vit_B12_(µg)",
    "Vit_A_IU",
    "Vit_A_RAE",
    "Retinol_(µg)",
    "Alpha_Carot_(µg)",
    "Beta_Carot_(µg)",
    "Beta_Crypt_(µg)",
    "Lycopene_(µg)",
    "Lut+Zea_(µg)",
    "Vit_E_(mg)",
    "Vit_D_µg",
    "Vit_D_IU",
    "Vit_K_(µg)",
    "FA_Sat_(g)",
    "FA_Mono_(g)",
    "FA_Poly_(g)",
    "Cholestrl_(mg)",
    "GmWt_1",
    "GmWt_Desc1",
    "GmWt_2",
    "GmWt_Desc2",
    "Refuse_Pct",
]

# ABBREV column -> our Nutrient.code (fixtures/nutrients.json). Units match: SR reports per 100 g edible portion.
ABBREV_TO_NUTRIENT = {
    "Energ_Kcal": "energy_kcal",
    "Protein_(g)": "protein_g",
    "Lipid_Tot_(g)": "fat_g",
    "Carbohydrt_(g)": "carbohydrate_g",
    "Fiber_TD_(g)": "fiber_g",
    "Iron_(mg)": "iron_mg",
    "Folate_DFE_(µg)": "folate_ug_dfe",
    "Folic_Acid_(µg)": "folic_acid_ug",
    "Magnesium_(mg)": "magnesium_mg",
    "Vit_B12_(µg)": "vitamin_b12_ug",
    "Vit_D_µg": "vitamin_d_ug",
    "Vit_C_(mg)": "vitamin_c_mg",
    "Calcium_(mg)": "calcium_mg",
    "Sodium_(mg)": "sodium_mg",
}

SOURCE = "usda-sr26"

# A ~quoted~ text field, which may hold any character but ~ (none holds ^ in SR26, but a reader should not care).
_QUOTED = re.compile(r"~[^~]*~")


def sr_file(sr_dir: str | Path, name: str) -> Path:
    """`name` in `sr_dir`, or its gzip copy `name.gz` when only that is there (the repository carries the release
    compressed in nutrition/data/usda-sr26; an unpacked release from USDA works as it is)."""
    plain = Path(sr_dir) / name
    packed = plain.with_name(name + ".gz")
    return packed if not plain.is_file() and packed.is_file() else plain


def read_sr_bytes(path: str | Path) -> bytes:
    """The bytes of an SR file as USDA published it, unpacked when the name ends in .gz."""
    path = Path(path)
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def read_sr_file(path: str | Path, columns: list[str]) -> pd.DataFrame:
    """One SR ASCII file as a DataFrame of strings; blank fields are NaN (missing), never zero.

    Raises ValueError naming the file and line when a line does not have exactly one field per column.
    """
    path = Path(path)
    text = read_sr_bytes(path).decode("latin-1").replace("\r\n", "\n")
    # split("\n"), not splitlines(): Latin-1 text may hold \x85, which splitlines() would treat as a line end.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line:
            continue
        found = _QUOTED.sub("", line).count("^") + 1
        if found != len(columns):
            raise ValueError(f"{path}, line {number}: expected {len(columns)} fields, found {found}")
    return pd.read_csv(
        io.StringIO(text),
        sep="^",
        quotechar="~",
        header=None,
        names=columns,
        dtype=str,
        keep_default_na=False,
        na_values=[""],
    )


def read_food_groups(sr_dir: str | Path) -> pd.DataFrame:
    """FD_GROUP.txt: columns FdGrp_Cd ("0100") and FdGrp_Desc ("Dairy and Egg Products")."""
    return read_sr_file(sr_file(sr_dir, "FD_GROUP.txt"), FOOD_GROUP_COLUMNS)


def read_food_descriptions(sr_dir: str | Path) -> pd.DataFrame:
    """FOOD_DES.txt: one row per food, indexed by the five-character NDB number ("01001")."""
    return read_sr_file(sr_file(sr_dir, "FOOD_DES.txt"), FOOD_DES_COLUMNS).set_index("NDB_No", drop=False)


def read_abbrev(sr_dir: str | Path) -> pd.DataFrame:
    """ABBREV.txt: the 53-column abbreviated table per 100 g edible portion, indexed by NDB number."""
    return read_sr_file(sr_file(sr_dir, "ABBREV.txt"), ABBREV_COLUMNS).set_index("NDB_No", drop=False)


def read_weights(sr_dir: str | Path) -> pd.DataFrame:
    """WEIGHT.txt: household measures (NDB_No, Seq, Amount, Msre_Desc, Gm_Wgt, ...), sorted by food and Seq."""
    frame = read_sr_file(sr_file(sr_dir, "WEIGHT.txt"), WEIGHT_COLUMNS)
    frame["_seq"] = frame["Seq"].astype(int)
    return frame.sort_values(["NDB_No", "_seq"]).drop(columns="_seq").reset_index(drop=True)


def nutrient_values(abbrev_row: pd.Series) -> dict[str, str]:
    """Our nutrient code -> the value string exactly as ABBREV has it, for the known (non-blank) values only."""
    values = {}
    for column, code in ABBREV_TO_NUTRIENT.items():
        value = abbrev_row[column]
        if isinstance(value, str) and value.strip():
            values[code] = value.strip()
    return values
