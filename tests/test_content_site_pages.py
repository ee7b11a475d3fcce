"""Site pages (About, Privacy, Disclaimer): seeded, editable, rendered from sanitised Markdown."""

import pytest

from content.models import SitePage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/about/", "/privacy/", "/disclaimer/"])
def test_seeded_site_pages_are_public(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "<h1>" in response.content.decode()


def test_privacy_page_says_what_is_stored_that_nothing_is_sold_and_how_to_delete(client):
    body = client.get("/privacy/").content.decode()
    assert "profiles" in body and "plans" in body and "account" in body
    assert "Nothing is sold" in body
    assert "Deleting your data" in body


def test_disclaimer_page_says_it_does_not_diagnose_or_prescribe(client):
    body = client.get("/disclaimer/").content.decode()
    assert "does <strong>not</strong> diagnose" in body
    assert "clinician" in body


def test_an_edited_site_page_shows_the_new_text(client):
    page = SitePage.objects.get(slug="about")
    page.body = "We **changed** this."
    page.save()
    assert "We <strong>changed</strong> this." in client.get("/about/").content.decode()


def test_other_site_pages_live_under_pages(client):
    page = SitePage.objects.create(slug="accessibility", title="Accessibility", body="Keyboard friendly.")
    assert page.get_absolute_url() == "/pages/accessibility/"
    assert "Keyboard friendly." in client.get("/pages/accessibility/").content.decode()
    assert client.get("/pages/no-such-page/").status_code == 404


def test_site_page_body_is_sanitised(client):
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    SitePage.objects.create(slug="hostile", title="Hostile", body=hostile)
    body = client.get("/pages/hostile/").content.decode()
    assert "alert(1)" not in body and "onerror" not in body
