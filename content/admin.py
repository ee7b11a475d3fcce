from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from .models import Article, ArticleSource, SitePage


class ArticleSourceInline(admin.StackedInline):
    model = ArticleSource
    extra = 1
    fields = [("position", "year"), "authors", "title", ("publisher", "url")]


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    list_display = ["title", "is_published", "published_at", "updated_at", "source_count"]
    list_filter = ["is_published", "published_at", "updated_at"]
    search_fields = ["title", "slug", "summary", "body", "author"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["published_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "author"]}),
        ("Body", {"fields": ["body"], "description": "Markdown; scripts, frames and unsafe links are dropped."}),
        ("Publishing", {"fields": ["is_published", "published_at", "updated_at"]}),
    ]
    inlines = [ArticleSourceInline]
    actions = ["publish", "unpublish"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("sources")

    @admin.display(description="sources")
    def source_count(self, obj):
        return len(obj.sources.all())

    @admin.action(description="Publish selected articles", permissions=["change"])
    def publish(self, request, queryset):
        count = 0
        for article in queryset.drafts():
            article.publish()  # one save each, so history records who published what
            count += 1
        self.message_user(request, f"Published {count} article(s).", messages.SUCCESS)

    @admin.action(description="Unpublish selected articles (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        count = 0
        for article in queryset.published():
            article.unpublish()
            count += 1
        self.message_user(request, f"Unpublished {count} article(s).", messages.SUCCESS)


@admin.register(ArticleSource)
class ArticleSourceAdmin(admin.ModelAdmin):
    list_display = ["title", "authors", "publisher", "year", "article", "position", "url"]
    list_filter = ["publisher", "year"]
    search_fields = ["title", "authors", "publisher", "url", "article__title"]
    autocomplete_fields = ["article"]
    list_select_related = ["article"]


@admin.register(SitePage)
class SitePageAdmin(SimpleHistoryAdmin):
    list_display = ["title", "slug", "updated_at"]
    search_fields = ["title", "slug", "body"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["updated_at"]
