"""Plan handouts: the PDF (read back with pypdf) and the printable page hold the person's name, every day's meals
with the planner's own household measures, the shopping list, the latest labs with unit and band, the iron tips
and the disclaimer; unknown stays unknown; only the client's dietitian (active sharing) and the plan's owner get
one."""

from __future__ import annotations

import copy
import functools
import io
import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from nutrition.models import NutrientAmount
from planner.models import Plan, Preference
from planner.profiles import parse_profile
from planner.services import ABSORPTION_TIP, DISCLAIMER, generate_plan
from practice.models import ClientLink
from practice.services import accept, invite
from tests.journal.factories import LabResultFactory, UserFactory, days_ago

pytestmark = pytest.mark.django_db

PROFILE = {"age": 41, "sex": "female", "weight_kg": 64, "height_cm": 167, "diet": "vegetarian", "days": 7}
WEEK = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@functools.cache
def week_document() -> dict:
    """A real 7-day plan from the planner, solved once per run."""
    return generate_plan(parse_profile(PROFILE), seed=3)


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def words(text: str) -> str:
    """Whitespace folded: a long name may wrap onto two lines in the PDF."""
    return " ".join(text.split())


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.content))
    return words(" ".join(page.extract_text() for page in reader.pages))


def page_text(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    return words(re.sub(r"<[^>]+>", " ", html).replace("&#x27;", "'").replace("&amp;", "&"))


@pytest.fixture
def people():
    dana = UserFactory(username="dana-dietitian")
    dana.groups.add(Group.objects.get(name="Dietitian"))
    maria = UserFactory(username="maria", first_name="Maria", last_name="Okafor")
    _link, token = invite(dana, "Maria O. (client)")
    accept(token, maria)
    plan = Plan.objects.create(owner=maria, name="Iron-first week", profile_data=PROFILE, document=week_document())
    return {"dana": dana, "maria": maria, "plan": plan}


def client_urls(people, kind=""):
    kwargs = {"client": people["maria"].pk, "plan": people["plan"].pk}
    return reverse(f"practice:handout_client{kind}", kwargs=kwargs)


def shopping_foods(document) -> set[str]:
    return {item["food"] for day in document["days"] for meal in day["meals"] for item in meal["items"]}


def test_the_pdf_holds_the_clients_name_every_day_the_shopping_list_labs_tips_and_disclaimer(people):
    LabResultFactory(owner=people["maria"], lab="ferritin", value=38, unit="ng/mL", date=days_ago(20))
    LabResultFactory(owner=people["maria"], lab="vitamin_d_25oh", value=21, unit="nmol/L", date=days_ago(60))
    response = as_user(people["dana"]).get(client_urls(people, "_pdf"))
    assert response["Content-Disposition"].startswith("inline; filename=")
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    text = pdf_text(response)
    assert "Maria O. (client)" in text
    assert "Iron-first week" in text
    for number, weekday in enumerate(WEEK, start=1):
        assert f"Day {number} · {weekday}" in text
    for meal in (m for day in people["plan"].document["days"] for m in day["meals"]):
        assert words(meal["name"]) in text
    assert "Shopping list" in text
    missing = [food for food in shopping_foods(people["plan"].document) if words(food) not in text]
    assert missing == []
    assert "38 ng/mL" in text and "52.4 nmol/L" in text  # each lab in the unit it was entered in
    assert "below the level at which the AASM 2024 guideline suggests iron therapy" in text
    assert "absorbed better with vitamin C" in text
    assert words(DISCLAIMER) in text
    assert "prepared by dana-dietitian" in text.lower()


def test_the_pdf_embeds_its_fonts(people):
    """Real text in a real font travels with the file (nothing left for the reader's machine to substitute)."""
    response = as_user(people["maria"]).get(reverse("practice:handout_pdf", kwargs={"plan": people["plan"].pk}))
    reader = PdfReader(io.BytesIO(response.content))
    fonts = {}
    for obj in reader.pages[0]["/Resources"]["/Font"].values():
        font = obj.get_object()
        descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        descriptor = descriptor.get_object()
        fonts[str(font["/BaseFont"])] = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert fonts and all(fonts.values()), fonts
    assert any("DejaVu" in name for name in fonts), fonts


def test_the_printable_page_shows_the_same_handout_with_a_print_button_and_no_inline_script(people):
    response = as_user(people["dana"]).get(client_urls(people))
    text = page_text(response)
    assert "Maria O. (client)" in text
    for number, weekday in enumerate(WEEK, start=1):
        assert f"Day {number} · {weekday}" in text
    assert [food for food in shopping_foods(people["plan"].document) if words(food) not in text] == []
    assert "No lab results in the journal yet." in text
    html = response.content.decode()
    assert re.search(r"<button[^>]*data-print", html)
    assert 'src="/static/journal/print.js"' in html and 'href="/static/css/handout.css"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html.split("<body", 1)[1])  # every script has a src
    assert " style=" not in html and "<style" not in html and " onclick=" not in html
    assert client_urls(people, "_pdf") in html


def test_household_measures_and_units_are_the_planners_own(people):
    """The handout shows what the planner's plan page shows for the same plan, in the units the owner chose."""
    maria = as_user(people["maria"])
    Preference.remember_units(people["maria"], "us")
    planner_page = maria.get(reverse("planner:detail", kwargs={"key": str(people["plan"].pk)}))
    handout = as_user(people["dana"]).get(client_urls(people))
    planner_meals = [m for day in planner_page.context["days"] for m in day["meals"]]
    handout_meals = [m for day in handout.context["days"] for m in day["meals"]]
    pairs = [(i["amount"], i["measure"]) for m in planner_meals for i in m["items"]]
    assert pairs == [(i["amount"], i["measure"]) for m in handout_meals for i in m["items"]]
    assert any(measure.startswith("≈") for _amount, measure in pairs) and all("oz" in a for a, _m in pairs)
    text = page_text(handout)
    first = handout_meals[0]["items"][0]
    assert f"{words(first['food'])} {first['amount']} {first['measure']}".strip() in text
    assert handout_meals[0]["recipe"]["steps"][0] in handout.content.decode().replace("&#x27;", "'")


def test_labs_show_their_unit_and_band_and_no_labs_says_so(people):
    dana = as_user(people["dana"])
    assert "No lab results in the journal yet." in page_text(dana.get(client_urls(people)))
    LabResultFactory(owner=people["maria"], lab="ferritin", value=38, unit="ng/mL", date=days_ago(20))
    LabResultFactory(owner=people["maria"], lab="ferritin", value=12, unit="ng/mL", date=days_ago(300))
    LabResultFactory(owner=people["maria"], lab="transferrin_saturation", value=31, unit="%", date=days_ago(20))
    text = page_text(dana.get(client_urls(people)))
    assert "No lab results in the journal yet." not in text
    assert "Ferritin 38 ng/mL" in text and "12 ng/mL" not in text  # the latest of each test only
    assert "Transferrin saturation 31%" in text
    assert "at or below 75 ng/mL" in text


def test_high_ferritin_leaves_the_tips_to_absorb_more_iron_out(people):
    LabResultFactory(owner=people["maria"], lab="ferritin", value=450, unit="ng/mL", date=days_ago(5))
    text = page_text(as_user(people["dana"]).get(client_urls(people)))
    assert words(ABSORPTION_TIP.split(";")[0]) not in text
    assert "Tips for absorbing more iron are left out of this handout" in text


def test_unknown_values_are_shown_as_unknown_never_as_zero(people):
    document = copy.deepcopy(week_document())
    del document["days"][0]["totals"]["iron_mg"]  # the plan carries no iron total for day 1
    document["targets"]["vitamin_d_ug"]["target"] = None  # and no vitamin D target
    profile = {k: v for k, v in PROFILE.items() if k != "age"}
    Plan.objects.filter(pk=people["plan"].pk).update(document=document, profile_data=profile)
    response = as_user(people["dana"]).get(client_urls(people))
    day1 = response.context["days"][0]["coverage"]
    iron = next(row for row in day1 if row["name"] == "Iron")
    assert iron["total"] is None and iron["percent"] is None
    text = page_text(response)
    assert "Age unknown" in text
    assert re.search(r"Day 1 against your targets .* Iron unknown [\d.]+ mg unknown", text)
    assert re.search(r"Vitamin D unknown [\d.]+ µg", text)  # the cover: no target, its upper limit
    assert re.search(r"Vitamin D (at least )?[\d.]+ µg unknown unknown", text)  # a day: total, no target, no share
    assert "Iron 0.0 mg" not in text


def test_a_food_without_a_value_makes_the_day_at_least(people):
    """A planned food that does not report a nutrient counts as 0 in the plan's totals: the handout says 'at
    least' for that day and names the food."""
    first = week_document()["days"][0]["meals"][0]["items"][0]
    NutrientAmount.objects.filter(food_id=first["food_id"], nutrient__code="iron_mg").delete()
    response = as_user(people["dana"]).get(client_urls(people))
    iron = next(row for row in response.context["days"][0]["coverage"] if row["name"] == "Iron")
    assert first["food"] in iron["missing"]
    text = page_text(response)
    assert f"Iron at least {iron['total']:.1f} mg" in text
    assert f"Iron: unknown for {', '.join(words(f) for f in iron['missing'])} (counted as 0 above)." in text


def test_the_owner_prints_their_own_handout_and_nobody_else_reaches_it(people):
    maria, plan = people["maria"], people["plan"]
    own = as_user(maria).get(reverse("practice:handout", kwargs={"plan": plan.pk}))
    assert "Maria Okafor" in page_text(own)  # the owner's own name from their account
    other = as_user(UserFactory(username="someone"))
    assert other.get(reverse("practice:handout", kwargs={"plan": plan.pk})).status_code == 404
    assert other.get(reverse("practice:handout_pdf", kwargs={"plan": plan.pk})).status_code == 404
    # the dietitian cannot use the owner's door: it opens their own journal, where the plan is not
    assert as_user(people["dana"]).get(reverse("practice:handout", kwargs={"plan": plan.pk})).status_code == 404
    anonymous = Client().get(reverse("practice:handout_pdf", kwargs={"plan": plan.pk}))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_ended_sharing_another_dietitian_and_another_clients_plan_get_404(people):
    dana = as_user(people["dana"])
    assert dana.get(client_urls(people)).status_code == 200
    # another of dana's clients: their id with maria's plan is refused
    ben = UserFactory(username="ben")
    _link, token = invite(people["dana"], "Ben")
    accept(token, ben)
    crossed = reverse("practice:handout_client", kwargs={"client": ben.pk, "plan": people["plan"].pk})
    assert dana.get(crossed).status_code == 404
    # another dietitian
    other = UserFactory(username="other-dietitian")
    other.groups.add(Group.objects.get(name="Dietitian"))
    assert as_user(other).get(client_urls(people)).status_code == 404
    assert as_user(other).get(client_urls(people, "_pdf")).status_code == 404
    # anonymous: the sign-in page
    anonymous = Client().get(client_urls(people))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    # maria ends the sharing from her account page: dana's next request is refused, the page and the PDF alike
    link = ClientLink.objects.get(dietitian=people["dana"], client=people["maria"])
    ended = as_user(people["maria"]).post(reverse("practice:end_sharing", kwargs={"pk": link.pk}))
    assert ended.status_code == 302
    assert dana.get(client_urls(people)).status_code == 404
    assert dana.get(client_urls(people, "_pdf")).status_code == 404


def test_a_leftover_points_to_the_day_it_was_cooked_instead_of_repeating_the_recipe(people):
    document = copy.deepcopy(week_document())
    cooked = document["days"][0]["meals"][-1]
    later = document["days"][1]["meals"][-1]
    document["days"][1]["meals"][-1] = {
        **copy.deepcopy(cooked), "slot": later["slot"], "slot_index": later["slot_index"], "portions": 0,
        "leftover_of": {"day": 1, "slot": cooked["slot"], "frozen": False},
    }
    Plan.objects.filter(pk=people["plan"].pk).update(document=document)
    response = as_user(people["dana"]).get(client_urls(people))
    text = page_text(response)
    assert f"Leftover from Monday's {cooked['slot']}" in text
    assert "Method: as on day 1." in text
    html = response.content.decode().replace("&#x27;", "'")
    step = cooked["recipe"]["steps"][0]
    cooked_meals = [m for d in document["days"] for m in d["meals"]
                    if not m.get("leftover_of") and m.get("recipe", {}).get("steps", [""])[0] == step]
    assert html.count(step) == len(cooked_meals)  # printed for each meal cooked (the week may cook a dish twice)
    assert len(cooked_meals) < sum(  # never for the leftover
        1 for d in document["days"] for m in d["meals"] if m.get("recipe", {}).get("steps", [""])[0] == step)


def test_the_client_page_links_to_each_plans_handout(people):
    page = as_user(people["dana"]).get(reverse("practice:client_detail", kwargs={"client": people["maria"].pk}))
    html = page.content.decode()
    assert client_urls(people) in html and client_urls(people, "_pdf") in html


def test_pdfs_are_rate_limited_per_account_after_the_access_check(people, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "handout-pdf": "1/h"}
    other = UserFactory(username="other-dietitian")
    other.groups.add(Group.objects.get(name="Dietitian"))
    for _ in range(3):  # refused visitors are not counted, and get their 404
        assert as_user(other).get(client_urls(people, "_pdf")).status_code == 404
    dana = as_user(people["dana"])
    assert dana.get(client_urls(people, "_pdf")).status_code == 200
    again = dana.get(client_urls(people, "_pdf"))
    assert again.status_code == 429 and int(again["Retry-After"]) > 0
    assert dana.get(client_urls(people)).status_code == 200  # the printable page is not limited


def test_the_account_page_lists_the_persons_own_plans_as_handouts_and_no_one_elses(people):
    own = reverse("practice:handout", kwargs={"plan": people["plan"].pk})
    assert own in as_user(people["maria"]).get(reverse("accounts:account")).content.decode()
    assert own not in as_user(UserFactory(username="someone")).get(reverse("accounts:account")).content.decode()


def test_a_plan_published_by_the_dietitian_carries_its_label_and_message_and_withdrawn_it_has_no_handout(people):
    from django.utils import timezone

    from practice import client_plans
    from practice.models import ClientPlan

    built = ClientPlan.objects.create(
        plan=people["plan"], client=people["maria"], dietitian=people["dana"], dietitian_name="Dana Diaz",
        state=ClientPlan.State.PUBLISHED, message="Soak the lentils the night before.", published_at=timezone.now(),
    )
    own_url = reverse("practice:handout", kwargs={"plan": people["plan"].pk})
    for response in (as_user(people["dana"]).get(client_urls(people)), as_user(people["maria"]).get(own_url)):
        text = page_text(response)
        assert "From your dietitian Dana Diaz" in text and "Soak the lentils the night before." in text
        assert "Prepared by" not in text  # the label says who, once
    client_plans.withdraw(built, people["dana"])
    assert as_user(people["maria"]).get(own_url).status_code == 404
    assert as_user(people["dana"]).get(client_urls(people)).status_code == 404


def test_the_owners_plan_page_and_saved_plans_link_to_the_handout_and_the_link_works(people):
    maria, plan = people["maria"], people["plan"]
    handout = reverse("practice:handout", kwargs={"plan": plan.pk})
    client = as_user(maria)
    detail = client.get(reverse("planner:detail", args=[plan.pk])).content.decode()
    assert f'<a class="button secondary" href="{handout}">Handout to print</a>' in detail
    saved = client.get(reverse("planner:saved")).content.decode()
    row = saved[saved.index(f'href="{reverse("planner:detail", args=[plan.pk])}"') :].split("</div>", 1)[0]
    assert f'href="{handout}">Handout to print' in row
    assert "Iron-first week" in page_text(client.get(handout))
    # an unsaved plan has no handout yet; a stranger sees neither the plan nor a link
    draft = client.post(reverse("planner:form"), {**PROFILE, "days": 1, "activity": "low", "life_stage": "none"})
    assert draft.status_code == 302, draft.content.decode()[:2000]
    assert "Handout to print" not in client.get(draft["Location"]).content.decode()
    other = as_user(UserFactory(username="someone"))
    assert other.get(reverse("planner:detail", args=[plan.pk])).status_code == 404
    assert "Handout to print" not in other.get(reverse("planner:saved")).content.decode()
