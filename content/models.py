"""Learn articles, their sources, and the site's own pages (About, Privacy, Disclaimer).

Bodies are Markdown written by editors; they are rendered and sanitised on the way out
(`content.rendering`), so nothing an editor types can run script in a reader's browser.
"""

from __future__ import annotations

from django.db import models
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .rendering import RenderedBody


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def drafts(self):
        return self.filter(is_published=False)


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Article(RenderedBody, models.Model):
    """A Learn article: plain-language, cited, and never a substitute for a clinician."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.CharField(max_length=400, help_text="One or two sentences shown in the article list.")
    body = models.TextField(help_text="Markdown. Raw HTML is allowed but scripts, styles and frames are removed.")
    body_rendered = models.TextField(blank=True, editable=False, help_text="The body as sanitised HTML, made on save.")
    body_rendered_digest = models.CharField(max_length=32, blank=True, editable=False)
    author = models.CharField(max_length=120, blank=True, help_text="Who wrote or last reviewed the article.")
    is_published = models.BooleanField(
        "published", default=False, help_text="Only published articles are public; drafts can be previewed by editors."
    )
    published_at = models.DateTimeField(null=True, blank=True, help_text="Set when first published.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleManager()
    history = HistoricalRecords(excluded_fields=["body_rendered", "body_rendered_digest"])

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.is_published and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("content:article_detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def publish(self):
        self.is_published = True
        self.save()

    def unpublish(self):
        self.is_published = False
        self.save()



class ArticleSourceManager(models.Manager):
    def get_by_natural_key(self, article_slug, position):
        return self.get(article__slug=article_slug, position=position)


class ArticleSource(models.Model):
    """One cited work under an article: a fact sheet, guideline or paper a reader can look up."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sources")
    position = models.PositiveSmallIntegerField(default=1, help_text="Order under the article, from 1.")
    authors = models.CharField(max_length=300, blank=True, help_text='e.g. "Winkelman JW, et al."')
    title = models.CharField(max_length=400)
    publisher = models.CharField(
        max_length=200, help_text="Organisation or journal, e.g. NIH Office of Dietary Supplements."
    )
    url = models.URLField("URL", max_length=500, blank=True, help_text="Leave blank rather than guess.")
    year = models.PositiveSmallIntegerField(null=True, blank=True)

    objects = ArticleSourceManager()

    class Meta:
        ordering = ["article", "position"]
        constraints = [models.UniqueConstraint(fields=["article", "position"], name="article_source_unique_position")]

    def __str__(self):
        year = f", {self.year}" if self.year else ""
        return f"{self.title} ({self.publisher}{year})"

    def natural_key(self):
        return (self.article.slug, self.position)

    natural_key.dependencies = ["content.article"]


class SitePageManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class SitePage(RenderedBody, models.Model):
    """A page of the site itself (About, Privacy, Disclaimer), edited by admins in Markdown."""

    # Pages with their own short address; any other page lives under /pages/<slug>/.
    SHORT_URLS = ("about", "privacy", "disclaimer")

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown, sanitised like articles.")
    body_rendered = models.TextField(blank=True, editable=False, help_text="The body as sanitised HTML, made on save.")
    body_rendered_digest = models.CharField(max_length=32, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SitePageManager()
    history = HistoricalRecords(excluded_fields=["body_rendered", "body_rendered_digest"])

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        if self.slug in self.SHORT_URLS:
            try:
                return reverse(f"pages:{self.slug}")
            except NoReverseMatch:
                pass
        return reverse("pages:page", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)



@receiver(pre_save, sender=Article)
@receiver(pre_save, sender=SitePage)
def render_body_on_save(sender, instance, **kwargs):
    """Every save renders a changed body once, loaddata's raw saves too (they skip `save()` but send this)."""
    instance.fill_rendered_body()
