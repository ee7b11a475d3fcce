"""Article and site-page bodies are rendered once when saved, and an edit still shows at once."""

import json

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from content import rendering
from content.models import Article, SitePage

from .content_factories import ArticleFactory, make_editor

pytestmark = pytest.mark.django_db


def _no_rendering(monkeypatch):
    def refuse(text):
        raise AssertionError("rendered on a request")

    monkeypatch.setattr(rendering, "render_markdown", refuse)


def test_a_saved_article_is_rendered_once_and_served_without_rendering(client, monkeypatch):
    article = ArticleFactory(body="Iron is **essential**.")
    stored = Article.objects.get(pk=article.pk)
    assert stored.body_rendered == "<p>Iron is <strong>essential</strong>.</p>"
    _no_rendering(monkeypatch)
    assert "Iron is <strong>essential</strong>." in client.get(article.get_absolute_url()).content.decode()


def test_seeded_site_pages_are_served_without_rendering(client, monkeypatch):
    _no_rendering(monkeypatch)
    for url in ("/about/", "/privacy/", "/disclaimer/"):
        assert client.get(url).status_code == 200


def test_an_editor_edit_in_the_admin_shows_at_once(client):
    article = ArticleFactory(body="Old text.")
    assert "Old text." in client.get(article.get_absolute_url()).content.decode()
    client.force_login(make_editor())
    response = client.post(
        f"/admin/content/article/{article.pk}/change/",
        {
            "title": article.title, "slug": article.slug, "summary": article.summary, "author": article.author,
            "body": "Brand **new** text.", "is_published": "on",
            "sources-TOTAL_FORMS": "0", "sources-INITIAL_FORMS": "0",
            "sources-MIN_NUM_FORMS": "0", "sources-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    body = client.get(article.get_absolute_url()).content.decode()
    assert "Brand <strong>new</strong> text." in body and "Old text." not in body


def test_an_admin_edit_of_a_site_page_shows_at_once(client):
    client.get("/about/")
    admin = User.objects.create_superuser("boss", "boss@example.org", "a-long-test-password")
    client.force_login(admin)
    page = SitePage.objects.get(slug="about")
    response = client.post(
        f"/admin/content/sitepage/{page.pk}/change/",
        {"slug": "about", "title": page.title, "body": "All **about** us now."},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    assert "All <strong>about</strong> us now." in client.get("/about/").content.decode()


def test_a_body_changed_without_a_save_is_never_shown_stale(client):
    page = SitePage.objects.get(slug="about")
    SitePage.objects.filter(pk=page.pk).update(body="Updated *behind* save().")
    assert "Updated <em>behind</em> save()." in client.get("/about/").content.decode()


def test_rows_loaded_from_fixtures_are_rendered(tmp_path, client, monkeypatch):
    fixture = tmp_path / "pages.json"
    fixture.write_text(json.dumps([
        {"model": "content.sitepage", "fields": {"slug": "loaded", "title": "Loaded", "body": "From a *fixture*.",
                                                  "updated_at": "2026-01-01T00:00:00Z"}},
    ]))
    call_command("loaddata", str(fixture), verbosity=0)
    assert SitePage.objects.get(slug="loaded").body_rendered == "<p>From a <em>fixture</em>.</p>"
    _no_rendering(monkeypatch)
    assert "From a <em>fixture</em>." in client.get("/pages/loaded/").content.decode()
