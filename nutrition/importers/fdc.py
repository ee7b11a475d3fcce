"""FoodData Central: the API client and the mapping of an FDC food record to a `FoodRecord`.

Nutrients are matched on FDC's `nutrient.id` (1089 iron), never on the older three-digit `number`,
which FDC has reused. A nutrient a record does not list stays unknown: no amount row, never zero.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

import requests
from django.conf import settings
from django.db import transaction

from nutrition.models import Nutrient

from .food_records import FoodRecord, PortionRecord, SaveResult, finish_batch, save_food_records, start_batch

SOURCE = "usda-fdc"
ENERGY_ID = 1008
# Foundation Foods often lack 1008: use the Atwater energy instead, specific factors first (closer to the food).
ENERGY_FALLBACK_IDS = (2048, 2047)
IDS_PER_CALL = 20
RETRY_STATUSES = {429, 500, 502, 503, 504}


class FdcError(Exception):
    """The API could not be used (bad key, unreachable, malformed answer): nothing was imported."""


def nutrient_codes_by_fdc_id() -> dict[int, str]:
    return dict(Nutrient.objects.exclude(fdc_nutrient_id=None).values_list("fdc_nutrient_id", "code"))


def group_code(category_id, name: str) -> str:
    if category_id not in (None, ""):
        return f"fdc-{category_id}"[:16]
    return "fdc-" + hashlib.sha1(name.encode()).hexdigest()[:8]


def portion_description(portion: dict) -> str:
    text = (portion.get("portionDescription") or "").strip()
    if text and text.lower() != "quantity not specified":
        return text
    unit = ((portion.get("measureUnit") or {}).get("name") or "").strip()
    parts = [p for p in (unit if unit != "undetermined" else "", (portion.get("modifier") or "").strip()) if p]
    return ", ".join(parts) or "portion"


def record_from_fdc(food: dict, codes_by_id: dict[int, str]) -> FoodRecord:
    """Map one FDC food (the full format of `/v1/food(s)` or the bulk JSON) to a FoodRecord."""
    by_id: dict[int, float] = {}
    for item in food.get("foodNutrients") or []:
        nutrient = item.get("nutrient") or {}
        nutrient_id = nutrient.get("id", item.get("nutrientId"))
        amount = item.get("amount", item.get("value"))
        if nutrient_id is None or amount is None:
            continue
        by_id[int(nutrient_id)] = float(amount)
    amounts = {code: by_id[nid] for nid, code in codes_by_id.items() if nid in by_id}
    energy_code = codes_by_id.get(ENERGY_ID)
    if energy_code and ENERGY_ID not in by_id:
        for fallback in ENERGY_FALLBACK_IDS:
            if fallback in by_id:
                amounts[energy_code] = by_id[fallback]
                break
    portions = [
        PortionRecord(
            seq=int(p.get("sequenceNumber") or index),
            amount=float(p.get("amount") or 1),
            description=portion_description(p),
            grams=float(p["gramWeight"]),
        )
        for index, p in enumerate(food.get("foodPortions") or [], start=1)
        if p.get("gramWeight")
    ]
    category = food.get("foodCategory") or {}
    if isinstance(category, str):
        category = {"description": category}
    group_name = (category.get("description") or "FoodData Central, uncategorised").strip()
    description = str(food["description"]).strip()
    return FoodRecord(
        source=SOURCE,
        source_id=str(food["fdcId"]),
        name=description,
        group_code=group_code(category.get("id"), group_name),
        group_name=group_name,
        amounts=amounts,
        portions=_unique_seqs(portions),
        source_description=f"{food.get('dataType', '')}: {description}".strip(": "),
    )


def _unique_seqs(portions: list[PortionRecord]) -> list[PortionRecord]:
    """FDC sometimes repeats a sequence number; ours must be unique per food."""
    seen: set[int] = set()
    for portion in portions:
        if portion.seq in seen:
            portion.seq = max(seen) + 1
        seen.add(portion.seq)
    return portions


@dataclass
class FdcClient:
    """A small FoodData Central client: a timeout on every call, retries with exponential backoff."""

    base_url: str = ""
    api_key: str = ""
    timeout: float = 0
    retries: int = -1
    backoff: float = -1
    session: requests.Session = field(default_factory=requests.Session)

    def __post_init__(self):
        self.base_url = (self.base_url or settings.FDC_API_URL).rstrip("/")
        self.api_key = self.api_key or settings.FDC_API_KEY
        self.timeout = self.timeout or getattr(settings, "FDC_TIMEOUT", 30)
        self.retries = self.retries if self.retries >= 0 else getattr(settings, "FDC_RETRIES", 4)
        self.backoff = self.backoff if self.backoff >= 0 else getattr(settings, "FDC_BACKOFF_SECONDS", 1.0)

    def request(self, method: str, path: str, **kwargs):
        url = f"{self.base_url}{path}"
        params = {**kwargs.pop("params", {}), "api_key": self.api_key}
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = self.session.request(method, url, params=params, timeout=self.timeout, **kwargs)
            except (requests.Timeout, requests.ConnectionError) as exc:
                if last:
                    raise FdcError(f"FoodData Central did not answer {path} ({exc.__class__.__name__})") from exc
                time.sleep(self.backoff * 2**attempt)
                continue
            if response.status_code == 403:
                raise FdcError("FoodData Central refused the API key (HTTP 403): check FDC_API_KEY.")
            if response.status_code in RETRY_STATUSES and not last:
                time.sleep(self._wait(response, attempt))
                continue
            if response.status_code == 404:
                return None
            if response.status_code >= 400:
                raise FdcError(f"FoodData Central answered HTTP {response.status_code} for {path}.")
            try:
                return response.json()
            except ValueError as exc:
                raise FdcError(f"FoodData Central sent an answer that is not JSON for {path}.") from exc
        raise FdcError(f"FoodData Central kept failing for {path}.")  # pragma: no cover - loop always returns

    def _wait(self, response, attempt: int) -> float:
        retry_after = response.headers.get("Retry-After", "")
        if retry_after.strip().isdigit():
            return min(float(retry_after), 120.0)
        return self.backoff * 2**attempt

    def foods(self, fdc_ids: list[int]) -> list[dict]:
        """Full records for the ids FDC knows, in batches of 20; unknown ids are simply absent."""
        found = []
        for start in range(0, len(fdc_ids), IDS_PER_CALL):
            chunk = fdc_ids[start : start + IDS_PER_CALL]
            answer = self.request("POST", "/v1/foods", json={"fdcIds": chunk, "format": "full"})
            if answer is None:
                continue
            if not isinstance(answer, list):
                raise FdcError("FoodData Central's /v1/foods answer is not a list of foods.")
            found += answer
        return found

    def search(self, text: str, data_types: list[str] | None = None, limit: int = 50) -> list[int]:
        params = {"query": text, "pageSize": min(limit, 200)}
        if data_types:
            params["dataType"] = ",".join(data_types)
        answer = self.request("GET", "/v1/foods/search", params=params) or {}
        return [int(f["fdcId"]) for f in answer.get("foods", [])][:limit]


@dataclass
class FdcImport:
    result: SaveResult
    missing_ids: list[int]
    batch: object = None


def parse_ids(text: str) -> list[int]:
    ids, bad = [], []
    for part in text.split(","):
        part = part.strip()
        if part:
            (ids.append(int(part)) if part.isdigit() else bad.append(part))
    if bad:
        raise FdcError("Not FDC ids (whole numbers): " + ", ".join(repr(b) for b in bad))
    return list(dict.fromkeys(ids))


def import_fdc(
    *, ids: list[int] | None = None, search: str = "", data_types=None, user=None, client: FdcClient | None = None
) -> FdcImport:
    """Fetch, check and save FDC foods; nothing is written until every answer has been read."""
    client = client or FdcClient()
    if search:
        ids = client.search(search, data_types)
    ids = list(ids or [])
    foods = client.foods(ids) if ids else []
    codes = nutrient_codes_by_fdc_id()
    try:
        records = [record_from_fdc(food, codes) for food in foods]
    except (KeyError, TypeError, ValueError) as exc:
        raise FdcError(f"FoodData Central sent a food record this importer cannot read ({exc!r}).") from exc
    returned = {int(r.source_id) for r in records}
    missing = [i for i in ids if i not in returned]
    label = f"search {search!r}" if search else "ids " + ",".join(str(i) for i in ids)
    with transaction.atomic():
        batch = start_batch("import-fdc", f"{client.base_url} {label}", user)
        result = save_food_records(records, covered_codes=codes.values(), batch=batch, user=user)
        notes = f"FDC did not know: {', '.join(map(str, missing))}" if missing else ""
        finish_batch(batch, result, notes=notes, errors=len(missing))
    return FdcImport(result=result, missing_ids=missing, batch=batch)
