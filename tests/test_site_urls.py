"""The header's and footer's addresses (`{% site_url %}`, worked out once per process) are what `{% url %}` gives,
for a site at the root and for one mounted under a prefix."""

import pytest
from django.test import Client
from django.test.utils import override_script_prefix
from django.urls import reverse

pytestmark = pytest.mark.django_db

NAV = ["home", "planner:form", "food_list", "content:article_list", "pages:about", "pages:privacy",
       "pages:disclaimer", "accounts:login", "accounts:signup"]


def test_every_header_and_footer_link_is_the_reversed_address():
    body = Client().get(reverse("pages:about")).content.decode()
    for name in NAV:
        assert f'href="{reverse(name)}"' in body, name


def test_a_site_mounted_under_a_prefix_links_under_it_and_the_root_site_does_not():
    Client().get("/about/")  # the addresses worked out at the root first
    with override_script_prefix("/plate/"):  # as a server mounting the site at /plate/ sets it for each request
        mounted = Client().get("/learn/").content.decode()
    assert 'href="/plate/learn/"' in mounted and 'href="/plate/accounts/login/"' in mounted
    root = Client().get("/privacy/").content.decode()  # after the prefixed page: no prefix leaks out of the memo
    assert 'href="/learn/"' in root and "/plate/" not in root
