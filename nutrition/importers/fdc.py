"""FoodData Central's API: the client, and reading its food records (the mapping is `fdc_mapping.py`'s)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import requests
from django.conf import settings
from django.db import transaction

from .fdc_mapping import FdcPortion, food_record, nutrient_codes_by_fdc_id
from .food_records import DatasetImport, ImportRefused, finish_batch, save_food_records, start_batch
from .plausibility import check_records

IDS_PER_CALL = 20
RETRY_STATUSES = {429, 500, 502, 503, 504}


class FdcError(ImportRefused):
    """The API could not be used (bad key, unreachable, malformed answer): nothing was imported."""

    def __init__(self, message: str):
        super().__init__([message])


def record_from_fdc(food: dict, codes_by_id: dict[int, str]):
    """Map one FDC food (the full format of `/v1/food(s)` or the bulk JSON) to a FoodRecord."""
    by_id: dict[int, float] = {}
    for item in food.get("foodNutrients") or []:
        nutrient = item.get("nutrient") or {}
        nutrient_id = nutrient.get("id", item.get("nutrientId"))
        amount = item.get("amount", item.get("value"))
        if nutrient_id is None or amount is None:
            continue
        by_id[int(nutrient_id)] = float(amount)
    category = food.get("foodCategory") or {}
    if isinstance(category, str):
        category = {"description": category}
    portions = [
        FdcPortion(
            seq=int(p["sequenceNumber"]) if p.get("sequenceNumber") else None,
            amount=float(p["amount"]) if p.get("amount") else None,
            description=p.get("portionDescription") or "",
            unit=(p.get("measureUnit") or {}).get("name") or "",
            modifier=p.get("modifier") or "",
            grams=float(p["gramWeight"]) if p.get("gramWeight") else None,
        )
        for p in food.get("foodPortions") or []
    ]
    return food_record(
        fdc_id=food["fdcId"],
        description=food["description"],
        data_type=food.get("dataType", ""),
        category_id=category.get("id"),
        category_name=category.get("description") or "",
        amounts_by_id=by_id,
        codes_by_id=codes_by_id,
        portions=portions,
    )


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
) -> DatasetImport:
    """Fetch, check and save FDC foods; nothing is written until every answer has been read and checked."""
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
    warnings = check_records(records)
    returned = {int(r.source_id) for r in records}
    missing = [i for i in ids if i not in returned]
    label = f"search {search!r}" if search else "ids " + ",".join(str(i) for i in ids)
    with transaction.atomic():
        batch = start_batch("import-fdc", f"{client.base_url} {label}", user)
        result = save_food_records(records, covered_codes=codes.values(), batch=batch, user=user)
        notes = [f"FDC did not know: {', '.join(map(str, missing))}"] if missing else []
        finish_batch(batch, result, notes="\n".join(notes + warnings), errors=len(missing))
    return DatasetImport(result=result, batch=batch, warnings=warnings, missing_ids=missing)
