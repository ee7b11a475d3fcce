"""The user admin filters by group and shows each user's groups; the group admin counts members."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from .content_factories import UserFactory, make_editor

pytestmark = pytest.mark.django_db


def test_users_can_be_filtered_by_group(admin_client):
    editor = make_editor(username="edna")
    UserFactory(username="plainuser")
    editors = Group.objects.get(name="Editors")
    url = reverse("admin:auth_user_changelist")
    assert f"groups__id__exact={editors.pk}" in admin_client.get(url).content.decode()
    body = admin_client.get(url, {"groups__id__exact": editors.pk}).content.decode()
    assert editor.username in body and "plainuser" not in body
    assert "Editors" in body


def test_group_list_counts_members_and_permissions(admin_client):
    make_editor(username="edna")
    make_editor(username="eddie")
    body = admin_client.get(reverse("admin:auth_group_changelist")).content.decode()
    row = body[body.index(">Editors<") :][:400]
    assert '<td class="field-member_count">2</td>' in row
