"""Learn and site pages are cached for plain visitors (signed out, no session), and an edit shows at once."""

import pytest
from django.test import Client

import config.page_cache
from content.models import Article, ArticleSource, SitePage

from .content_factories import ArticleFactory, ArticleSourceFactory, make_editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch):
    """How many whole pages the page cache has rendered (a cache miss renders one)."""
    count = []
    real = config.page_cache.render_to_string

    def counting(*args, **kwargs):
        count.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(config.page_cache, "render_to_string", counting)
    return count


@pytest.mark.parametrize("url", ["/learn/", "/about/", "/privacy/"])
def test_a_plain_visitor_is_served_from_the_cache(url, renders):
    first, second = Client().get(url), Client().get(url)
    assert first.status_code == second.status_code == 200
    assert len(renders) == 1
    token_one, token_two = first.cookies["csrftoken"].value, second.cookies["csrftoken"].value
    assert token_one != token_two  # each visitor still gets a token of their own


def test_an_article_is_served_from_the_cache_and_an_edit_shows_at_once(renders):
    article = ArticleFactory(body="First words.")
    ArticleSourceFactory(article=article, title="Old source")
    url = article.get_absolute_url()
    assert "First words." in Client().get(url).content.decode()
    assert "First words." in Client().get(url).content.decode()
    assert len(renders) == 1
    Article.objects.filter(pk=article.pk).update(body="Second words.")  # not even updated_at moves
    assert "Second words." in Client().get(url).content.decode()
    ArticleSource.objects.filter(article=article).update(title="New source")
    assert "New source" in Client().get(url).content.decode()


def test_the_learn_list_shows_a_new_retitled_or_unpublished_article_at_once():
    article = ArticleFactory(title="Zinc and sleep")
    assert "Zinc and sleep" in Client().get("/learn/").content.decode()
    Article.objects.filter(pk=article.pk).update(title="Zinc and rest", summary="A fresh summary.")
    body = Client().get("/learn/").content.decode()
    assert "Zinc and rest" in body and "A fresh summary." in body
    Article.objects.filter(pk=article.pk).update(is_published=False)
    assert "Zinc and rest" not in Client().get("/learn/").content.decode()


def test_an_editor_still_sees_drafts_and_a_visitor_never_does():
    draft = ArticleFactory(title="Unfinished draft", is_published=False)
    assert "Unfinished draft" not in Client().get("/learn/").content.decode()
    assert Client().get(draft.get_absolute_url()).status_code == 404
    editor = Client()
    editor.force_login(make_editor())
    assert "Unfinished draft" in editor.get("/learn/").content.decode()
    assert editor.get(draft.get_absolute_url()).status_code == 200
    assert "Unfinished draft" not in Client().get("/learn/").content.decode()


def test_a_site_page_edit_shows_at_once(renders):
    assert "Edited" not in Client().get("/about/").content.decode()
    page = SitePage.objects.get(slug="about")
    page.body = "Edited **today**."
    page.save()
    assert "Edited <strong>today</strong>." in Client().get("/about/").content.decode()
    SitePage.objects.filter(pk=page.pk).update(title="About this site now")
    assert "About this site now" in Client().get("/about/").content.decode()
