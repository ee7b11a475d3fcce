"""The foods browser, food pages and the empty plan form come from the page cache on a second visit, and are
never stale: whatever changes the food data (the dietitian workspace, its reverts, the spreadsheet import,
the bulk importers that send no signals, the admin, deletes, fixture loads) shows on the very next visit.
Each visitor sees % of their own targets and keeps their own CSRF token.

The page cache is the database by default; the tests taking the `backend` fixture run on Redis as well."""

from __future__ import annotations

import io
import re
import uuid

import pandas as pd
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.db.models.signals import post_save
from django.forms.models import model_to_dict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nutrition.exports import export_foods
from nutrition.models import Allergen, Food, NutrientAmount, ReferenceIntake
from nutrition.selectors import READER_TARGETS

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
REDIS_URL = "redis://127.0.0.1:6379/0"
REDIS_CACHE = "config.redis_cache.RedisCache"  # what settings use when REDIS_URL is set
TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


@pytest.fixture(params=["database", "redis"])
def backend(request, settings):
    """The page cache on the database (as by default) or on Redis (as with REDIS_URL), each test on its own keys."""
    if request.param == "database":
        yield request.param
        return
    import redis

    prefix = f"test-pages-{uuid.uuid4().hex}"
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": REDIS_CACHE, "LOCATION": REDIS_URL, "KEY_PREFIX": prefix},
    }
    yield request.param
    server = redis.Redis.from_url(REDIS_URL)
    keys = list(server.scan_iter(f"{prefix}:*"))
    if keys:
        server.delete(*keys)


@pytest.fixture
def food():
    """A curated food in no meal (so it can be deleted), with an iron value and household measures."""
    return (
        Food.objects.filter(amounts__nutrient__code="iron_mg", portions__isnull=False, meal_ingredients__isnull=True)
        .distinct()
        .order_by("pk")
        .first()
    )


@pytest.fixture
def visitor():
    return Client()


@pytest.fixture
def admin(db):
    client = Client()
    client.force_login(User.objects.create_superuser("root", "root@example.org", "a-long-test-password"))
    return client


def get(client, url, params=None, **extra) -> str:
    response = client.get(url, params or {}, **extra)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def queries(client, url, params=None, **extra) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as context:
        body = get(client, url, params, **extra)
    return len(context), body


def food_page(client, food) -> str:
    return get(client, reverse("food_detail", args=[food.pk]))


def iron_row(body: str) -> str:
    """The iron row of a food page: amount per 100 g and % of the reader's target."""
    return body[body.index(">Iron<") :].split("</tr>")[0]


def listed(client, food) -> str:
    """The food's row in the foods browser, searched by its name."""
    body = get(client, reverse("food_list"), {"q": food.name})
    return body[body.index(f'href="/foods/{food.pk}/"') :].split("</tr>")[0]


def listed_iron(client, food) -> str:
    """The iron cell (the first nutrient column, one decimal) of the food's row in the foods browser."""
    return re.findall(r'<td class="num[^"]*">([^<]*)</td>', listed(client, food))[0]


def iron(food) -> float:
    return NutrientAmount.objects.get(food=food, nutrient__code="iron_mg").amount


def test_second_visit_is_served_from_the_cache_with_the_same_page(backend, visitor, food):
    get(visitor, reverse("food_detail", args=[Food.objects.exclude(pk=food.pk).order_by("pk").first().pk]))  # warm
    for url, params, extra in [
        (reverse("food_list"), {"q": "lentil"}, {}),
        (reverse("food_list"), {"q": "lentil"}, HX),
        (reverse("food_list"), {}, {}),
        (reverse("food_detail", args=[food.pk]), {}, {}),
    ]:
        rendered, first = queries(visitor, url, params, **extra)
        cached, again = queries(visitor, url, params, **extra)
        assert TOKEN.sub(r"\1", again) == TOKEN.sub(r"\1", first), url
        assert cached < rendered, (url, cached, rendered)
        assert cached <= 3, (url, cached)  # the stamp (one query), its generation and the fragment


def test_the_food_list_fragment_and_the_whole_page_are_cached_apart(visitor):
    fragment = get(visitor, reverse("food_list"), {"q": "lentil"}, **HX)
    page = get(visitor, reverse("food_list"), {"q": "lentil"})
    assert fragment.strip().startswith('<div id="results"') and "<html" not in fragment
    assert "<html" in page and '<div id="results"' in page
    assert get(visitor, reverse("food_list"), {"q": "lentil"}, **HX) == fragment


def test_a_value_edited_in_the_workspace_shows_at_once(backend, visitor, signed_in, food):
    assert f"{iron(food):g} mg" in iron_row(food_page(visitor, food))
    assert listed_iron(visitor, food) == f"{iron(food):.1f}".rstrip("0").rstrip(".") != "24.5"
    url = reverse("workspace:amount_edit", args=[food.pk, "iron_mg"])
    response = signed_in.post(url, {"amount": "24.5", "source": "Lab", "change_reason": "Reanalysed"}, **HX)
    assert response.status_code == 200
    assert "24.5 mg" in iron_row(food_page(visitor, food))
    assert listed_iron(visitor, food) == "24.5"


def test_a_food_renamed_in_the_workspace_shows_at_once_and_a_revert_brings_the_old_name_back(visitor, signed_in, food):
    old_name = food.name
    assert f"<h1>{old_name}</h1>" in food_page(visitor, food)
    form = {
        "name": "Renamed food",
        "food_group": food.food_group_id,
        "diet": food.diet,
        "allergens": [a.pk for a in food.allergens.all()],
        "change_reason": "Rename",
    }
    form |= {"contains_caffeine": "on"} if food.contains_caffeine else {}
    form |= {"contains_alcohol": "on"} if food.contains_alcohol else {}
    form |= {a.nutrient.code: repr(a.amount) for a in food.amounts.select_related("nutrient")}
    response = signed_in.post(reverse("workspace:food_edit", args=[food.pk]), form)
    assert response.status_code == 302
    assert "<h1>Renamed food</h1>" in food_page(visitor, food)
    assert "Renamed food" in get(visitor, reverse("food_list"), {"q": "Renamed"})

    versions = signed_in.get(reverse("workspace:food_history", args=[food.pk])).context["versions"]
    signed_in.post(
        reverse("workspace:food_revert", args=[food.pk]), {"at": versions[1].at.isoformat(), "change_reason": "Undo"}
    )
    assert f"<h1>{old_name}</h1>" in food_page(visitor, food)
    assert "Renamed food" not in get(visitor, reverse("food_list"), {"q": "Renamed"})


def test_a_spreadsheet_import_shows_at_once(visitor, food, tmp_path):
    assert listed_iron(visitor, food) != "27.5"
    food_page(visitor, food)
    exported = export_foods("csv", Food.objects.filter(pk=food.pk))
    frame = pd.read_csv(io.StringIO(exported), dtype=str, keep_default_na=False)
    frame.loc[0, "iron_mg"] = "27.5"
    frame.to_csv(tmp_path / "foods.csv", index=False)
    call_command("import_foods", str(tmp_path / "foods.csv"), verbosity=0)
    assert iron(food) == 27.5
    assert "27.5 mg" in iron_row(food_page(visitor, food))
    assert listed_iron(visitor, food) == "27.5"


def test_a_bulk_import_that_sends_no_signals_shows_at_once(backend, visitor, food, sr_bytes, tmp_path):
    """import_sr writes with bulk_create/bulk_update_with_history: history rows, no post_save signal."""
    assert food.source == "usda-sr26"
    assert listed_iron(visitor, food) != "31.5"
    food_page(visitor, food)
    for name in ("FD_GROUP.txt", "FOOD_DES.txt", "ABBREV.txt", "WEIGHT.txt"):  # a release of this one food
        lines = sr_bytes(name).decode("latin-1").splitlines(keepends=True)
        if name != "FD_GROUP.txt":
            lines = [line for line in lines if line.split("^")[0].strip("~") == food.source_id]
        if name == "ABBREV.txt":
            fields = lines[0].split("^")
            fields[11] = "31.5"  # iron, mg per 100 g
            lines = ["^".join(fields)]
        (tmp_path / name).write_text("".join(lines), encoding="latin-1")
    saved = []

    def on_save(sender, **kwargs):
        saved.append(sender)

    post_save.connect(on_save, sender=NutrientAmount, dispatch_uid="test-page-cache-bulk")
    try:
        call_command("import_sr", str(tmp_path), verbosity=0)
    finally:
        post_save.disconnect(sender=NutrientAmount, dispatch_uid="test-page-cache-bulk")
    assert iron(food) == 31.5 and saved == []
    assert "31.5 mg" in iron_row(food_page(visitor, food))
    assert listed_iron(visitor, food) == "31.5"


def test_an_admin_change_of_a_value_shows_at_once(visitor, admin, food):
    food_page(visitor, food)
    assert listed_iron(visitor, food) != "29.5"
    amount = NutrientAmount.objects.get(food=food, nutrient__code="iron_mg")
    response = admin.post(
        reverse("admin:nutrition_nutrientamount_change", args=[amount.pk]),
        {"food": food.pk, "nutrient": amount.nutrient_id, "amount": "29.5", "source": "Admin"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "29.5 mg" in iron_row(food_page(visitor, food))
    assert listed_iron(visitor, food) == "29.5"


def test_reference_data_changed_in_the_admin_shows_at_once(backend, visitor, admin, food):
    """Food groups and reference intakes have no history: their changes move the stamp's generation."""
    group = food.food_group
    assert group.name in listed(visitor, food)
    url = reverse("admin:nutrition_foodgroup_change", args=[group.pk])
    response = admin.post(url, {"code": group.code, "name": "Renamed group"})
    assert response.status_code == 302
    assert "Renamed group" in listed(visitor, food)
    assert ">Renamed group</option>" in get(visitor, reverse("food_list"))

    rda = ReferenceIntake.objects.get(nutrient__code="iron_mg", sex="female", life_stage="none", age_min=31)
    assert f"{round(100 * iron(food) / 18)}%" in iron_row(food_page(visitor, food))
    data = {k: "" if v is None else v for k, v in model_to_dict(rda).items() if k != "id"}
    response = admin.post(reverse("admin:nutrition_referenceintake_change", args=[rda.pk]), data | {"amount": "36"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert f"{round(100 * iron(food) / 36)}%" in iron_row(food_page(visitor, food))


def test_a_change_to_a_foods_allergens_shows_at_once(visitor, food):
    def contains() -> list[str]:
        body = food_page(visitor, food)
        found = re.search(r"contains: ([^<]*)</p>", body)
        return found.group(1).split(", ") if found else []

    allergen = Allergen.objects.exclude(foods=food).order_by("code").first()
    assert allergen.name not in contains()
    food.allergens.add(allergen)  # an m2m change alone: no save of the food
    assert allergen.name in contains()


def test_a_deleted_food_is_gone_at_once(visitor, admin, food):
    assert food.name in get(visitor, reverse("food_list"), {"q": food.name})
    food_page(visitor, food)
    response = admin.post(reverse("admin:nutrition_food_delete", args=[food.pk]), {"post": "yes"})
    assert response.status_code == 302 and not Food.objects.filter(pk=food.pk).exists()
    assert visitor.get(reverse("food_detail", args=[food.pk])).status_code == 404
    assert f'href="/foods/{food.pk}/"' not in get(visitor, reverse("food_list"), {"q": food.name})


def test_foods_loaded_again_from_the_fixtures_show_at_once(visitor, food):
    """loaddata saves raw (no history, no signal, the fixture's own updated_at): load_reference_data marks the
    cached pages out of date itself."""
    original = iron(food)
    NutrientAmount.objects.filter(food=food, nutrient__code="iron_mg").update(amount=24.5)  # behind the stamp
    assert "24.5 mg" in iron_row(food_page(visitor, food))
    call_command("load_reference_data", force=True, verbosity=0)
    assert iron(food) == original
    assert f"{original:g} mg" in iron_row(food_page(visitor, food))


def test_each_visitor_sees_percent_of_their_own_targets(visitor, food):
    planner = Client()
    session = planner.session
    session[READER_TARGETS] = {"iron_mg": {"name": "Iron", "target": 27.0, "unit": "mg"}}
    session.save()
    for _ in range(2):  # rendered, then from the cache: no cross-talk either way
        mine = food_page(planner, food)
        theirs = food_page(visitor, food)
        assert f"{round(100 * iron(food) / 27)}%" in iron_row(mine) and "your latest plan" in mine
        assert f"{round(100 * iron(food) / 18)}%" in iron_row(theirs) and "your latest plan" not in theirs
    rich = {"rich": "iron_mg"}
    counts = [re.search(r"(\d+) foods? where", get(c, reverse("food_list"), rich)).group(1) for c in (planner, visitor)]
    assert int(counts[0]) < int(counts[1])  # 20% of 27 mg is more iron than 20% of 18 mg
    assert "of the daily targets of your latest plan" in get(planner, reverse("food_list"), rich)
    assert "of the daily targets of your latest plan" not in get(visitor, reverse("food_list"), rich)


def csrf_token(body: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)


def test_the_empty_plan_form_is_cached_but_tokens_and_errors_stay_per_visitor():
    from django.core.cache import caches

    from config.page_cache import cache_key

    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    form_url = reverse("planner:form")
    page = get(first, form_url)
    assert caches["pages"].get(cache_key("plan-fields", (None, [], ()))) is not None  # the fields, for everyone
    again = get(second, form_url)  # the fields from the cache
    assert TOKEN.sub(r"\1", again) == TOKEN.sub(r"\1", page)
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    for client, body in [(first, page), (second, again)]:
        response = client.post(form_url, {"csrfmiddlewaretoken": csrf_token(body), "age": "200", "sex": "female"})
        assert response.status_code == 200  # not 403: each visitor's own token
        errors = response.content.decode()
        assert "Please correct the fields marked below" in errors and "Age must be between" in errors
        assert 'value="200"' in errors
    fresh = get(Client(), form_url)
    assert "Age must be between" not in fresh and 'value="200"' not in fresh and 'name="age"' in fresh
    stolen = Client(enforce_csrf_checks=True)
    get(stolen, form_url)
    assert stolen.post(form_url, {"csrfmiddlewaretoken": csrf_token(page), "age": "40"}).status_code == 403


PLAIN_PAGES = [
    ("home", [], {}),
    ("food_list", [], {"q": "lentil"}),
    ("food_detail", ["food"], {}),
    ("planner:form", [], {}),
]


def plain_url(name, args, food) -> str:
    return reverse(name, args=[food.pk if arg == "food" else arg for arg in args])


def header_token(body: str) -> str:
    return re.search(r'"X-CSRFToken": "([^"]+)"', body).group(1)


@pytest.mark.parametrize("name,args,params", PLAIN_PAGES)
def test_a_signed_out_visitor_gets_the_whole_page_from_the_cache_with_their_own_csrf_token(
    backend, food, name, args, params
):
    url = plain_url(name, args, food)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    rendered = first.get(url, params)
    served = second.get(url, params)
    assert rendered.templates and not served.templates  # the second visitor's page was not rendered at all
    assert served.status_code == 200 and "Cookie" in served["Vary"]
    assert TOKEN.sub(r"\1", served.content.decode()) == TOKEN.sub(r"\1", rendered.content.decode())
    validate = reverse("planner:validate", args=["age"])
    tokens = [header_token(r.content.decode()) for r in (rendered, served)]
    assert tokens[0] != tokens[1]
    for client, token in zip((first, second), tokens, strict=True):  # each page carries its visitor's own token
        assert client.post(validate, {"age": "40"}, HTTP_X_CSRFTOKEN=token, **HX).status_code == 200
    assert second.post(validate, {"age": "40"}, HTTP_X_CSRFTOKEN=tokens[0], **HX).status_code == 403


@pytest.mark.parametrize("name,args,params", PLAIN_PAGES)
def test_signed_in_visitors_and_waiting_messages_get_their_own_page_never_the_cached_one(
    signed_in, food, name, args, params
):
    from django.contrib import messages
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpResponse
    from django.test import RequestFactory

    url = plain_url(name, args, food)
    get(Client(), url, params)  # cached for signed-out visitors
    mine = signed_in.get(url, params)
    assert mine.templates and "Sign out" in mine.content.decode()
    assert "Sign out" not in get(Client(), url, params)

    noted = Client()
    storage = CookieStorage(RequestFactory().get("/"))
    storage.add(messages.INFO, "A note only this visitor should see.")
    storage.update(carrier := HttpResponse())
    noted.cookies["messages"] = carrier.cookies["messages"].value
    assert "A note only this visitor should see." in get(noted, url, params)
    assert "A note only this visitor should see." not in get(Client(), url, params)
    assert not noted.get(url, params).templates  # the message shown once, the visitor is plain again
