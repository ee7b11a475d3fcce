"""The Editors group manages Learn articles, their sources and site pages through the admin, and nothing else."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from content.models import Article, SitePage

from .content_factories import ArticleFactory, make_editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def test_editors_group_grants_only_content_permissions():
    perms = Group.objects.get(name="Editors").permissions.select_related("content_type")
    assert perms.exists()
    assert {p.content_type.app_label for p in perms} == {"content"}
    codenames = {p.codename for p in perms}
    assert {"add_article", "change_article", "add_articlesource", "change_sitepage"} <= codenames


def test_editor_adds_an_article_with_a_source_through_the_admin(editor_client):
    response = editor_client.post(
        reverse("admin:content_article_add"),
        {
            "title": "Folate and restless legs",
            "slug": "folate-test-draft",
            "summary": "What folate does.",
            "author": "An Editor",
            "body": "Folate is a B vitamin.",
            "sources-TOTAL_FORMS": "1",
            "sources-INITIAL_FORMS": "0",
            "sources-0-position": "1",
            "sources-0-title": "Folate: Fact Sheet for Health Professionals",
            "sources-0-publisher": "NIH Office of Dietary Supplements",
            "sources-0-year": "2022",
            "sources-0-url": "https://ods.od.nih.gov/factsheets/Folate-HealthProfessional/",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(slug="folate-test-draft")
    assert not article.is_published
    assert article.sources.get().publisher == "NIH Office of Dietary Supplements"


def test_editor_publishes_and_unpublishes_with_the_admin_actions(editor_client):
    draft = ArticleFactory(slug="to-publish", is_published=False)
    changelist = reverse("admin:content_article_changelist")
    editor_client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.is_published and draft.published_at is not None
    editor_client.post(changelist, {"action": "unpublish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert not draft.is_published


def test_editor_edits_a_site_page(editor_client):
    page = SitePage.objects.get(slug="about")
    response = editor_client.post(
        reverse("admin:content_sitepage_change", args=[page.pk]),
        {"slug": "about", "title": "About us", "body": "New text."},
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.title == "About us"


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:nutrition_food_changelist",
        "admin:nutrition_food_add",
        "admin:nutrition_nutrientamount_changelist",
        "admin:planner_meal_changelist",
        "admin:planner_meal_add",
        "admin:auth_user_changelist",
        "admin:auth_user_add",
        "admin:auth_group_changelist",
    ],
)
def test_editor_cannot_touch_foods_meals_or_users(editor_client, url_name):
    assert editor_client.get(reverse(url_name)).status_code == 403


def test_editor_admin_index_lists_only_content(editor_client):
    body = editor_client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:content_article_changelist") in body
    assert reverse("admin:content_sitepage_changelist") in body
    assert "/admin/nutrition/" not in body and "/admin/planner/" not in body and "/admin/auth/" not in body


def test_non_staff_user_with_editor_group_cannot_reach_the_admin(client):
    user = make_editor()
    user.is_staff = False
    user.save()
    client.force_login(user)
    response = client.get(reverse("admin:content_article_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_editor_previews_a_draft_from_the_admin_view_on_site_link(editor_client):
    draft = ArticleFactory(slug="preview-me", title="A draft to preview", is_published=False)
    change_page = editor_client.get(reverse("admin:content_article_change", args=[draft.pk])).content.decode()
    assert "View on site" in change_page
    response = editor_client.get(
        reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(Article).pk, draft.pk]), follow=True
    )
    assert response.redirect_chain[-1][0].endswith("/learn/preview-me/")
    assert "<strong>Draft</strong>" in response.content.decode()


def test_editor_sees_who_changed_an_article_in_its_history(editor_client):
    article = ArticleFactory(slug="with-history", is_published=False)
    editor_client.post(
        reverse("admin:content_article_changelist"), {"action": "publish", "_selected_action": [article.pk]}
    )
    response = editor_client.get(reverse("admin:content_article_history", args=[article.pk]))
    assert response.status_code == 200
    assert article.history.count() == 2
    assert article.history.first().history_user.is_staff


def test_editor_cannot_use_the_dietitian_workspace(editor_client):
    assert editor_client.get(reverse("workspace:home")).status_code == 403
    assert editor_client.get(reverse("workspace:food_list")).status_code == 403
