"""Learn: published articles are public, drafts are 404 to the public and a preview for editors."""

import pytest
from django.urls import reverse

from content.models import Article

from .content_factories import ArticleFactory, ArticleSourceFactory, UserFactory, make_editor

pytestmark = pytest.mark.django_db


def test_learn_lists_published_articles_with_summaries(client):
    article = ArticleFactory(title="Iron and restless legs", summary="Why ferritin matters.")
    response = client.get(reverse("content:article_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Iron and restless legs" in body
    assert "Why ferritin matters." in body
    assert article.get_absolute_url() in body


def test_article_page_renders_markdown_and_lists_its_sources(client):
    article = ArticleFactory(slug="iron-basics", body="## Heme iron\n\nMeat has **heme** iron.")
    ArticleSourceFactory(article=article, position=1, title="Iron fact sheet", publisher="NIH ODS", year=2024)
    ArticleSourceFactory(article=article, position=2, title="A paper without a link", publisher="A Journal", url="")
    response = client.get("/learn/iron-basics/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h2>Heme iron</h2>" in body
    assert "<strong>heme</strong>" in body
    sources = body[body.index('id="sources-heading"') :]
    assert '<a href="https://ods.od.nih.gov/factsheets/Iron-HealthProfessional/"' in sources
    assert "Iron fact sheet" in sources and "NIH ODS, 2024" in sources
    assert sources.index("Iron fact sheet") < sources.index("A paper without a link")


def test_draft_is_not_found_for_the_public(client):
    ArticleFactory(slug="secret-draft", title="Unfinished draft", is_published=False)
    assert client.get("/learn/secret-draft/").status_code == 404
    assert "Unfinished draft" not in client.get("/learn/").content.decode()


def test_draft_is_not_found_for_a_signed_in_non_staff_user(client):
    ArticleFactory(slug="secret-draft", is_published=False)
    client.force_login(UserFactory())
    assert client.get("/learn/secret-draft/").status_code == 404


def test_editor_previews_a_draft_under_a_draft_banner(client):
    ArticleFactory(slug="secret-draft", title="Unfinished draft", is_published=False)
    client.force_login(make_editor())
    response = client.get("/learn/secret-draft/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Unfinished draft" in body
    assert 'class="draft-banner"' in body and "<strong>Draft</strong>" in body
    assert "Unfinished draft" in client.get("/learn/").content.decode()


def test_published_article_shows_no_draft_banner_to_editors(client):
    ArticleFactory(slug="live")
    client.force_login(make_editor())
    assert "draft-banner" not in client.get("/learn/live/").content.decode()


def test_missing_article_is_not_found(client):
    assert client.get("/learn/no-such-article/").status_code == 404


def test_publishing_sets_the_published_date_once(db):
    article = ArticleFactory(is_published=False)
    assert article.published_at is None
    article.publish()
    first = Article.objects.get(pk=article.pk).published_at
    assert first is not None
    article.unpublish()
    article.publish()
    assert Article.objects.get(pk=article.pk).published_at == first


def test_every_page_links_to_learn_and_the_site_pages(client):
    body = client.get(reverse("home")).content.decode()
    for url in ["/learn/", "/about/", "/privacy/", "/disclaimer/"]:
        assert f'href="{url}"' in body, url
    learn = client.get("/learn/").content.decode()
    assert '<a href="/learn/">Learn</a>' in learn and 'href="/privacy/"' in learn
