"""Shared test set-up: the curated reference data (fixtures/*.json) loads once per session."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_reference_data", force=True, verbosity=0)


@pytest.fixture(autouse=True)
def _fresh_page_cache_memory():
    """What a process holds of the page cache survives a test's rollback; each test starts without it."""
    from nutrition.cache import forget_local

    forget_local()
    yield


@pytest.fixture(scope="session")
def sr_dir() -> Path:
    """The USDA SR26 files beside the project (../shared/data/usda-sr). Their absence is a failure, not a skip."""
    path = Path(settings.USDA_SR_DIR)
    assert (path / "ABBREV.txt").exists(), f"USDA SR26 files not found in {path}"
    return path


@pytest.fixture
def dietitian(django_user_model):
    """A member of the Dietitian group (made by the workspace's data migration)."""
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("dana")
    user.groups.add(Group.objects.get(name="Dietitian"))
    return user


@pytest.fixture
def signed_in(client, dietitian):
    """The test client, signed in as a dietitian."""
    client.force_login(dietitian)
    return client
