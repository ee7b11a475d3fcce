"""manage.py import_fdc against a local stand-in for the FoodData Central API (no network).

The stand-in serves the two real Foundation records saved in tests/fdc/; faults are scripted per test.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.management import CommandError, call_command

from nutrition.models import Food, ImportBatch, NutrientAmount, Portion

SAVED = Path(__file__).parent / "fdc"
BEANS, EGG_WHITE = 321611, 323697


class StandInFdc:
    """Records every request; answers from `script` (a list of (status, headers, body|callable)) first."""

    def __init__(self):
        self.foods = {f["fdcId"]: f for f in json.loads((SAVED / "foods.json").read_text())}
        self.search_answer = json.loads((SAVED / "search_green_beans.json").read_text())
        self.requests: list[dict] = []
        self.script: list[tuple] = []
        self.delay_first = 0.0

    def answer(self, method, path, query, body):
        self.requests.append({"method": method, "path": path, "query": query, "body": body})
        if self.delay_first and len(self.requests) == 1:
            time.sleep(self.delay_first)
        if self.script:
            return self.script.pop(0)
        if method == "POST" and path == "/v1/foods":
            wanted = json.loads(body)["fdcIds"]
            return 200, {}, [self.foods[i] for i in wanted if i in self.foods]
        if method == "GET" and path == "/v1/foods/search":
            return 200, {}, self.search_answer
        return 404, {}, {"error": "not found"}


@pytest.fixture
def fdc(settings):
    stand_in = StandInFdc()

    class Handler(BaseHTTPRequestHandler):
        def _serve(self):
            url = urlparse(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            status, headers, payload = stand_in.answer(self.command, url.path, parse_qs(url.query), body)
            data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
            try:
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test)

        do_GET = do_POST = _serve

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.FDC_API_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.FDC_API_KEY = "TEST_KEY"
    settings.FDC_BACKOFF_SECONDS = 0.01
    settings.FDC_TIMEOUT = 2
    settings.FDC_RETRIES = 3
    yield stand_in
    server.shutdown()
    server.server_close()


def snapshot():
    return (
        Food.objects.count(),
        NutrientAmount.objects.count(),
        Portion.objects.count(),
        ImportBatch.objects.count(),
        sorted(NutrientAmount.objects.values_list("food__source_id", "nutrient__code", "amount")),
    )


def run(*args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("import_fdc", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_import_by_ids_maps_fdc_nutrient_ids_and_keeps_unreported_nutrients_unknown(fdc):
    run("--ids", f"{BEANS},{EGG_WHITE}")
    beans = Food.objects.get(source="usda-fdc", source_id=str(BEANS))
    amounts = beans.amounts_by_code()
    # Values exactly as the saved FDC record lists them (nutrient.id 1089 iron, 1090 magnesium, 1008 energy).
    assert amounts["iron_mg"] == 0.78
    assert amounts["magnesium_mg"] == 12.7
    assert amounts["energy_kcal"] == 21.0
    assert amounts["sodium_mg"] == 282
    # The record has no folate, B12, vitamin C or vitamin D rows: unknown, not zero.
    for code in ("folate_ug_dfe", "vitamin_b12_ug", "vitamin_c_mg", "vitamin_d_ug"):
        assert code not in amounts
    egg = Food.objects.get(source="usda-fdc", source_id=str(EGG_WHITE))
    assert egg.amounts_by_code()["vitamin_d_ug"] == 0.0
    assert beans.food_group.name == "Vegetables and Vegetable Products"
    assert [(p.description, p.grams) for p in beans.portions.all()] == [("cup, drained", 129.0)]
    assert beans.import_batch.kind == "import-fdc"
    call = fdc.requests[0]
    assert call["method"] == "POST" and call["query"]["api_key"] == ["TEST_KEY"]
    assert json.loads(call["body"])["fdcIds"] == [BEANS, EGG_WHITE]


@pytest.mark.django_db
def test_energy_falls_back_to_atwater_specific_factors_when_1008_is_absent(fdc):
    beans = copy.deepcopy(fdc.foods[BEANS])
    beans["foodNutrients"] = [n for n in beans["foodNutrients"] if n["nutrient"]["id"] != 1008]
    fdc.foods[BEANS] = beans
    run("--ids", str(BEANS))
    food = Food.objects.get(source="usda-fdc", source_id=str(BEANS))
    assert food.amounts_by_code()["energy_kcal"] == 20.0  # the 2048 row; 2047 says 24


@pytest.mark.django_db
def test_ids_are_sent_in_batches_of_at_most_twenty(fdc):
    ids = [BEANS, EGG_WHITE] + list(range(900001, 900041))
    out, err = run("--ids", ",".join(map(str, ids)))
    posts = [r for r in fdc.requests if r["method"] == "POST"]
    assert [len(json.loads(r["body"])["fdcIds"]) for r in posts] == [20, 20, 2]
    assert Food.objects.filter(source="usda-fdc").count() == 2
    assert "FDC id 900001: FoodData Central does not know this id" in err


@pytest.mark.django_db
def test_unknown_id_is_reported_and_the_rest_still_imported(fdc):
    out, err = run("--ids", f"{BEANS},999999999")
    assert "FDC id 999999999" in err
    assert Food.objects.filter(source="usda-fdc", source_id=str(BEANS)).exists()
    assert ImportBatch.objects.filter(kind="import-fdc").latest("pk").errors == 1


@pytest.mark.django_db
def test_reimport_updates_the_food_instead_of_duplicating_it(fdc):
    run("--ids", str(BEANS))
    food = Food.objects.get(source="usda-fdc", source_id=str(BEANS))
    food.name = "Green beans, canned, drained"  # a dietitian's better name survives re-import
    food.save()
    NutrientAmount.objects.filter(food=food, nutrient__code="iron_mg").update(amount=9.9)
    out, _ = run("--ids", str(BEANS))
    assert Food.objects.filter(source="usda-fdc", source_id=str(BEANS)).count() == 1
    food.refresh_from_db()
    assert food.amounts_by_code()["iron_mg"] == 0.78
    assert food.name == "Green beans, canned, drained"
    assert "0 created, 1 updated" in out and "iron_mg: 9.9 -> 0.78" in out
    out, _ = run("--ids", str(BEANS))
    assert "0 created, 0 updated, 1 unchanged" in out


@pytest.mark.django_db
def test_search_imports_the_matching_foods_with_the_data_type_filter(fdc):
    run("--search", "green beans canned", "--data-type", "Foundation,SR Legacy")
    search = fdc.requests[0]
    assert search["path"] == "/v1/foods/search"
    assert search["query"]["query"] == ["green beans canned"]
    assert search["query"]["dataType"] == ["Foundation,SR Legacy"]
    assert Food.objects.filter(source="usda-fdc", source_id=str(BEANS)).exists()


@pytest.mark.django_db
def test_503_then_success_is_retried(fdc):
    fdc.script = [(503, {}, {"error": "busy"})]
    run("--ids", str(BEANS))
    assert len(fdc.requests) == 2
    assert Food.objects.filter(source="usda-fdc", source_id=str(BEANS)).exists()


@pytest.mark.django_db
def test_429_waits_as_long_as_retry_after_says(fdc, settings):
    fdc.script = [(429, {"Retry-After": "1"}, {"error": "slow down"})]
    started = time.monotonic()
    run("--ids", str(BEANS))
    assert time.monotonic() - started >= 1.0  # the backoff base is 0.01 s: only Retry-After explains a 1 s wait
    assert len(fdc.requests) == 2
    assert Food.objects.filter(source="usda-fdc", source_id=str(BEANS)).exists()


@pytest.mark.django_db
def test_timeout_is_retried(fdc, settings):
    settings.FDC_TIMEOUT = 0.3
    fdc.delay_first = 1.0
    run("--ids", str(BEANS))
    assert len(fdc.requests) == 2
    assert Food.objects.filter(source="usda-fdc", source_id=str(BEANS)).exists()


@pytest.mark.django_db
def test_server_errors_past_the_retry_budget_change_nothing(fdc):
    fdc.script = [(503, {}, {})] * 4
    before = snapshot()
    with pytest.raises(CommandError, match="HTTP 503"):
        run("--ids", str(BEANS))
    assert snapshot() == before


@pytest.mark.django_db
def test_403_says_the_api_key_was_refused_and_changes_nothing(fdc):
    fdc.script = [(403, {}, {"error": {"code": "API_KEY_INVALID"}})]
    before = snapshot()
    with pytest.raises(CommandError, match="refused the API key"):
        run("--ids", str(BEANS))
    assert snapshot() == before
    assert len(fdc.requests) == 1  # a bad key is not retried


@pytest.mark.django_db
def test_a_malformed_answer_changes_nothing(fdc):
    fdc.script = [(200, {}, "<html>maintenance</html>")]
    before = snapshot()
    with pytest.raises(CommandError, match="not JSON"):
        run("--ids", f"{BEANS},{EGG_WHITE}")
    assert snapshot() == before


@pytest.mark.django_db
def test_ids_that_are_not_numbers_are_refused(fdc):
    with pytest.raises(CommandError, match="'abc'"):
        run("--ids", "321611,abc")
    assert fdc.requests == []
