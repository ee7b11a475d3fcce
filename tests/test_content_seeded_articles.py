"""The seeded Learn articles (fixtures/articles.json): published, cited, and medically honest."""

import re

import pytest

from content.models import Article

pytestmark = pytest.mark.django_db

SEEDED = [
    "rls-and-iron",
    "vitamin-c-and-iron-absorption",
    "folate-and-rls",
    "magnesium-and-rls",
    "vitamin-b12-and-rls",
    "vitamin-d-and-rls",
    "what-makes-rls-worse",
    "rls-treatment-aasm-2024",
    "rls-in-pregnancy",
]
NEGATION = re.compile(r"\b(no|not|never|nothing|cannot|unproven|avoid\w*|reduc\w*)\b", re.IGNORECASE)


def sentences(text):
    return [s for s in re.split(r"(?<=[.!?])\s+|\n\s*\n|\n- ", text) if s.strip()]


def article(slug):
    return Article.objects.prefetch_related("sources").get(slug=slug)


def test_at_least_seven_seeded_articles_are_published():
    assert Article.objects.published().filter(slug__in=SEEDED).count() == len(SEEDED) >= 7


@pytest.mark.parametrize("slug", SEEDED)
def test_seeded_article_page_shows_its_sources(client, slug):
    seeded = article(slug)
    assert seeded.sources.count() >= 2
    body = client.get(f"/learn/{slug}/").content.decode()
    sources = body[body.index('id="sources-heading"') :]
    for source in seeded.sources.all():
        assert source.publisher, source
        assert source.url == "" or source.url.startswith("https://"), source.url
        assert source.title.replace("'", "&#x27;") in sources


@pytest.mark.parametrize("slug", SEEDED)
def test_seeded_article_points_to_a_clinician(slug):
    assert "clinician" in article(slug).body


@pytest.mark.parametrize("slug", SEEDED)
def test_no_seeded_article_says_a_food_cures_rls_or_that_caffeine_or_alcohol_helps(slug):
    for sentence in sentences(article(slug).body):
        if re.search(r"\bcur(e|es|ed)\b", sentence, re.IGNORECASE):
            assert NEGATION.search(sentence), sentence
        if re.search(r"caffeine|alcohol|coffee|nightcap", sentence, re.IGNORECASE) and re.search(
            r"\b(helps?|eases?|relieves?|improves?)\b", sentence, re.IGNORECASE
        ):
            assert NEGATION.search(sentence) or "worse" in sentence, sentence


def test_iron_article_gives_the_aasm_thresholds_and_cites_the_guideline():
    iron = article("rls-and-iron")
    assert "75 ng/mL or lower" in iron.body and "below 20%" in iron.body
    assert "ferritin" in iron.body.lower() and "transferrin saturation" in iron.body.lower()
    assert iron.sources.filter(url="https://doi.org/10.5664/jcsm.11390").exists()


def test_iron_article_explains_what_helps_and_blocks_absorption():
    body = article("rls-and-iron").body
    for term in ["Heme iron", "Non-heme iron", "Vitamin C", "Tea and coffee", "polyphenols", "Calcium", "Phytates"]:
        assert term in body, term
    assert "do not start iron supplements on your own" in body


def test_aggravators_article_names_substances_and_medicines():
    body = article("what-makes-rls-worse").body
    for term in [
        "Caffeine", "Alcohol", "Nicotine", "antihistamines", "SSRIs", "SNRIs", "mirtazapine", "Antipsychotics",
        "metoclopramide", "Never stop a prescribed medicine on your own",
    ]:  # fmt: skip
        assert term in body, term


@pytest.mark.parametrize("slug", ["magnesium-and-rls", "vitamin-d-and-rls", "vitamin-b12-and-rls", "folate-and-rls"])
def test_weak_evidence_is_said_plainly(slug):
    body = article(slug).body.lower()
    assert any(
        phrase in body for phrase in ["evidence is weak", "unproven", "thin", "not been shown", "not an established"]
    )


def test_learn_lists_every_seeded_article(client):
    body = client.get("/learn/").content.decode()
    for slug in SEEDED:
        assert f'href="/learn/{slug}/"' in body


def test_treatment_article_gives_the_aasm_2024_recommendations(client):
    body = article("rls-treatment-aasm-2024").body
    for term in ["**strong** recommendation", "ferric carboxymaltose", "gabapentin", "pregabalin",
                 "Conditional against standard use", "pramipexole", "ropinirole", "rotigotine", "augmentation",
                 "Never stop or change a medicine on your own", "below 50 ng/mL", "45% or more"]:  # fmt: skip
        assert term in body, term
    page = client.get("/learn/rls-treatment-aasm-2024/").content.decode()
    assert "https://doi.org/10.5664/jcsm.11390" in page


def test_pregnancy_article_gives_the_trimester_caveat_folic_acid_and_that_rls_eases(client):
    body = article("rls-in-pregnancy").body
    assert "intravenous iron is considered only after the\n  first trimester" in body
    assert "400 µg a day" in body and "could become pregnant" in body
    assert "eases within weeks of the birth" in body
    assert "Picchietti" in client.get("/learn/rls-in-pregnancy/").content.decode()


def test_the_vitamin_c_and_e_haemodialysis_trial_is_cited_in_full():
    source = article("vitamin-c-and-iron-absorption").sources.get(title__startswith="Efficacy of vitamins C, E")
    assert source.authors.startswith("Sagheb") and source.publisher == "Sleep Medicine 13(5):542-545"
    assert source.year == 2012
