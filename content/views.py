"""Learn articles and site pages. Drafts are visible only to staff who may view articles (a preview)."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from .models import Article, SitePage


def can_preview_drafts(user) -> bool:
    return user.is_active and user.is_staff and user.has_perm("content.view_article")


def article_list(request):
    articles = Article.objects.published()
    drafts = Article.objects.drafts() if can_preview_drafts(request.user) else Article.objects.none()
    return render(request, "content/article_list.html", {"articles": articles, "drafts": drafts})


def article_detail(request, slug):
    article = get_object_or_404(Article.objects.prefetch_related("sources"), slug=slug)
    if not article.is_published and not can_preview_drafts(request.user):
        raise Http404("No such article")
    return render(request, "content/article_detail.html", {"article": article})


def site_page(request, slug):
    page = get_object_or_404(SitePage, slug=slug)
    return render(request, "content/site_page.html", {"page": page})
