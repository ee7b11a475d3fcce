"""Shared test set-up: the curated reference data (fixtures/*.json) loads once per session."""

import gzip
import secrets
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_reference_data", force=True, verbosity=0)


@pytest.fixture(scope="session", autouse=True)
def _no_collected_static_files(tmp_path_factory):
    """The tests never serve collected static files; an empty STATIC_ROOT, as in a fresh clone. WhiteNoise reads
    STATIC_ROOT each time a test client is made (each `Client()`): a `staticfiles/` left by `collectstatic` in the
    work tree (743 files) cost about a quarter of a second of CPU per client, and ten times the suite's time in
    the tests that make many clients."""
    from django.test import override_settings

    with override_settings(STATIC_ROOT=str(tmp_path_factory.mktemp("static-root"))):
        yield


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings):
    """PBKDF2's million rounds cost about a second of CPU per user made or sign-in tried (a failed sign-in hashes
    too), many times over in the suite; the tests are about who may do what, not about the hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_page_cache_memory():
    """What a process holds of the page cache survives a test's rollback; each test starts without it."""
    from config.page_cache import forget_local

    forget_local()
    yield


@pytest.fixture(autouse=True)
def _fresh_rate_limit_memory():
    """What a process remembers of rate-limit blocks survives a test's rollback too; each test starts without it."""
    from config.rate_limits import forget_blocks

    forget_blocks()
    yield


@pytest.fixture(autouse=True)
def _fresh_meal_cache():
    """The planner's process cache of meals survives a test's rollback too (a test that renames every food with a
    queryset update leaves no newer stamp behind); each test starts without it."""
    from planner.meal_options import clear_meal_cache

    clear_meal_cache()
    yield


@pytest.fixture(scope="session")
def sr_dir() -> Path:
    """The USDA SR26 files (settings.USDA_SR_DIR: the repository's gzip copies in nutrition/data/usda-sr26 unless
    USDA_SR_DIR points elsewhere). Their absence is a failure, not a skip."""
    path = Path(settings.USDA_SR_DIR)
    assert any((path / name).exists() for name in ("ABBREV.txt", "ABBREV.txt.gz")), f"USDA SR26 not found in {path}"
    return path


@pytest.fixture(scope="session")
def sr_bytes(sr_dir):
    """`sr_bytes("ABBREV.txt")`: an SR file's bytes as USDA published them, read without the importer (plain, or
    unpacked from its .gz copy)."""

    def read(name: str) -> bytes:
        plain = sr_dir / name
        return plain.read_bytes() if plain.exists() else gzip.decompress((sr_dir / f"{name}.gz").read_bytes())

    return read


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


PLAN_QUEUE_REDIS_URL = "redis://127.0.0.1:6379/14"


@pytest.fixture
def plan_queue(settings):
    """The plan queue on, against the real Redis, under a queue name no one else uses; emptied afterwards
    (tests/test_plan_queue.py and the browser tests)."""
    from redis import Redis
    from rq.job import Job
    from rq.serializers import JSONSerializer

    from planner import jobs

    redis = Redis.from_url(PLAN_QUEUE_REDIS_URL)
    assert redis.ping(), "Redis on 127.0.0.1:6379 is needed for these tests"
    name = f"test-plans-{secrets.token_hex(6)}"
    settings.REDIS_URL = PLAN_QUEUE_REDIS_URL
    settings.PLAN_QUEUE = True
    settings.PLAN_QUEUE_NAME = name
    yield name
    queue = jobs.plan_queue(name)
    registries = (queue.finished_job_registry, queue.failed_job_registry, queue.started_job_registry)
    ids = set(queue.job_ids).union(*(registry.get_job_ids() for registry in registries))
    for job in Job.fetch_many(list(ids), connection=redis, serializer=JSONSerializer):
        if job is not None:
            job.delete()
    queue.delete(delete_jobs=True)
    for key in redis.scan_iter(match=f"*{name}*"):
        redis.delete(key)
    for key in redis.scan_iter(match="rq:worker:*"):  # finished burst workers (they would expire in a minute)
        if redis.type(key) == b"hash" and redis.hget(key, "queues") == name.encode():
            redis.delete(key)
