"""Learn articles and site pages. Drafts are visible only to staff who may view articles (a preview).

What every plain visitor (signed out, no session: `config.page_cache.plain_visitor`) sees alike is served from the
page cache (`page_cache.page`), keyed by everything the page shows of its rows (titles, summaries, dates, the body's
digest, the sources), read afresh on each request: so an edit, however it is made, shows at once.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from config import page_cache

from .models import Article, SitePage
from .rendering import body_digest


def can_preview_drafts(user) -> bool:
    return user.is_active and user.is_staff and user.has_perm("content.view_article")


def article_list(request):
    if can_preview_drafts(request.user):
        context = {"articles": Article.objects.published(), "drafts": Article.objects.drafts()}
        return render(request, "content/article_list.html", context)
    articles = list(Article.objects.published().only("slug", "title", "summary"))
    shown = tuple((a.slug, a.title, a.summary) for a in articles)
    return page_cache.page(
        request, "content/article_list.html", "learn-list", (shown,), lambda: {"articles": articles, "drafts": ()}
    )


def article_detail(request, slug):
    article = get_object_or_404(Article.objects.prefetch_related("sources"), slug=slug)
    if not article.is_published and not can_preview_drafts(request.user):
        raise Http404("No such article")
    context = {"article": article}
    if not article.is_published:
        return render(request, "content/article_detail.html", context)
    shown = (
        article.pk, article.slug, article.title, article.summary, article.author, article.is_published,
        article.published_at, article.updated_at, body_digest(article.body),
        tuple((s.position, s.authors, s.title, s.publisher, s.url, s.year) for s in article.sources.all()),
    )
    return page_cache.page(request, "content/article_detail.html", "learn-article", shown, lambda: context)


def site_page(request, slug):
    page = get_object_or_404(SitePage, slug=slug)
    shown = (page.pk, page.slug, page.title, page.updated_at, body_digest(page.body))
    return page_cache.page(request, "content/site_page.html", "site-page", shown, lambda: {"page": page})
