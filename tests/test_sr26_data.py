"""The repository carries USDA SR26 itself (nutrition/data/usda-sr26): the files are USDA's, byte for byte, as their
README's checksums say, and the project reads them from there unless USDA_SR_DIR points elsewhere."""

import gzip
import hashlib
import os
import re
from pathlib import Path

from django.conf import settings

from nutrition.importers import sr26

DATA = Path(settings.BASE_DIR) / "nutrition" / "data" / "usda-sr26"


def test_each_file_unpacks_to_the_original_named_in_the_provenance_note():
    row = r"^\| `(\w+\.txt)` \| (\d+) \| ([0-9a-f]{64}) \| ([0-9a-f]{64}) \|$"
    rows = re.findall(row, (DATA / "README.md").read_text(encoding="utf-8"), re.M)
    assert sorted(name for name, *_ in rows) == sorted(p.name.removesuffix(".gz") for p in DATA.glob("*.gz"))
    for name, size, original, packed in rows:
        data = (DATA / f"{name}.gz").read_bytes()
        assert hashlib.sha256(data).hexdigest() == packed, name
        unpacked = gzip.decompress(data)
        assert (len(unpacked), hashlib.sha256(unpacked).hexdigest()) == (int(size), original), name


def test_the_repository_copy_is_the_default_and_reads_like_an_unpacked_release(tmp_path):
    if "USDA_SR_DIR" not in os.environ:
        assert Path(settings.USDA_SR_DIR) == DATA
    (tmp_path / "FD_GROUP.txt").write_bytes(gzip.decompress((DATA / "FD_GROUP.txt.gz").read_bytes()))
    packed, unpacked = sr26.read_food_groups(DATA), sr26.read_food_groups(tmp_path)
    assert len(packed) == 25 and packed.equals(unpacked)
