"""Plan generation on a worker queue: RQ on Redis. The one module that knows about the queue.

A solve is CPU-bound (about half a second for a week, up to ~1.5 s for some vegan profiles). Run inside a web
request it holds a gunicorn worker, and page requests queue behind it. With `settings.PLAN_QUEUE` on (the default
whenever `REDIS_URL` is set) a plan is handed to `manage.py plan_worker` instead and the visitor polls for it.

`submit_plan` either queues a job (and returns its ticket) or, when the queue is off or Redis cannot be reached,
generates the plan here and now (and returns the document): a failing queue never loses the visitor's request.
`job_state` reads a ticket back; `run_plan_job` is what the worker runs. Arguments and results are JSON
(`JSONSerializer`), so nothing is unpickled from Redis.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

from . import services
from .profiles import parse_profile

log = logging.getLogger(__name__)

RESULT_TTL = 30 * 60  # a finished plan waits this long for the visitor's next poll
FAILURE_TTL = 24 * 60 * 60  # failed jobs stay for a day, to be looked at
QUEUED_TTL = 10 * 60  # a job no worker has picked up by then is dropped (the visitor is told, and can retry)
TIMEOUT_MARGIN = 30  # seconds on top of the solver's time limit before the worker kills a job

WAITING, DONE, FAILED, MISSING, UNAVAILABLE = "waiting", "done", "failed", "missing", "unavailable"


class QueueFull(Exception):
    """More plans wait than settings.PLAN_QUEUE_MAX_LENGTH: this one is refused rather than queued."""


@dataclass(frozen=True)
class Submitted:
    """What `submit_plan` did: queued a job (`ticket`) or generated the plan in this process (`document`)."""

    ticket: str | None = None
    document: dict | None = None


@dataclass(frozen=True)
class JobState:
    status: str  # WAITING, DONE, FAILED, MISSING (expired or never existed) or UNAVAILABLE (Redis unreachable)
    document: dict | None = None  # the plan, when DONE


def queue_enabled() -> bool:
    return bool(settings.PLAN_QUEUE and settings.REDIS_URL)


@functools.cache
def _connection(url: str) -> Redis:
    # Short timeouts: an unreachable Redis must cost the visitor a moment, not a hung web worker.
    return Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)


def connection() -> Redis:
    if not settings.REDIS_URL:
        raise RuntimeError("REDIS_URL is not set: there is no plan queue")
    return _connection(settings.REDIS_URL)


def plan_queue(name: str | None = None) -> Queue:
    return Queue(name or settings.PLAN_QUEUE_NAME, connection=connection(), serializer=JSONSerializer)


def job_timeout() -> int:
    return int(settings.PLAN_TIME_LIMIT) + TIMEOUT_MARGIN


def _locks_as_json(locked) -> list[list]:
    """The engine's locks {(day, slot): (meal_id, scale)} as JSON: [[day, slot, meal_id, scale], ...] (0-based)."""
    return [[day, slot, meal_id, scale] for (day, slot), (meal_id, scale) in sorted((locked or {}).items())]


def _links_as_json(links) -> list[list[int]]:
    """Leftover links {(day, slot): (cooked day, cooked slot)} as JSON: [[day, slot, cooked day, cooked slot], ...]."""
    return [[day, slot, *source] for (day, slot), source in sorted((links or {}).items())]


def run_plan_job(
    profile_data: dict,
    seed: int = 0,
    days: int | None = None,
    locked: list | None = None,
    locked_leftovers: list | None = None,
) -> dict:
    """The worker's job: JSON in (profile, seed, days, locks as `_locks_as_json`, leftover links as
    `_links_as_json`), the plan document out."""
    locks = {(day, slot): (meal_id, scale) for day, slot, meal_id, scale in locked or []}
    links = {(day, slot): (from_day, from_slot) for day, slot, from_day, from_slot in locked_leftovers or []}
    return services.generate_plan(
        parse_profile(profile_data), seed=seed, days=days, locked=locks, locked_leftovers=links
    )


def submit_plan(
    profile_data: dict, *, seed: int = 0, days: int | None = None, locked=None, locked_leftovers=None
) -> Submitted:
    """Queue a plan when the queue is on and reachable; otherwise generate it in this process. Raises QueueFull
    when the queue is already as long as settings.PLAN_QUEUE_MAX_LENGTH."""
    if queue_enabled():
        try:
            queue = plan_queue()
            if queue.count >= settings.PLAN_QUEUE_MAX_LENGTH:
                raise QueueFull(queue.count)
            kwargs = {"profile_data": profile_data, "seed": seed, "days": days, "locked": _locks_as_json(locked)}
            if locked_leftovers:  # only when there are any: a worker of the release before reads the other four
                kwargs["locked_leftovers"] = _links_as_json(locked_leftovers)
            job = queue.enqueue_call(
                run_plan_job,
                kwargs=kwargs,
                timeout=job_timeout(),
                result_ttl=RESULT_TTL,
                failure_ttl=FAILURE_TTL,
                ttl=QUEUED_TTL,
                description="plan",
            )
            return Submitted(ticket=job.id)
        except RedisError as error:
            log.warning("plan queue unreachable (%s); generating the plan in the request", error)
    profile = parse_profile(profile_data)
    return Submitted(
        document=services.generate_plan(profile, seed=seed, days=days, locked=locked, locked_leftovers=locked_leftovers)
    )


def job_state(ticket: str) -> JobState:
    if not settings.REDIS_URL:
        return JobState(UNAVAILABLE)  # a ticket from before the queue was switched off
    try:
        job = Job.fetch(ticket, connection=connection(), serializer=JSONSerializer)
        status = job.get_status()
        if status == JobStatus.FINISHED:
            document = job.return_value()
            return JobState(DONE, document) if isinstance(document, dict) else JobState(MISSING)
    except NoSuchJobError:
        return JobState(MISSING)
    except RedisError as error:
        log.warning("plan queue unreachable while reading job %s: %s", ticket, error)
        return JobState(UNAVAILABLE)
    if status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
        return JobState(FAILED)
    return JobState(WAITING)  # created, queued, started, deferred, scheduled...


def close_stale_connections() -> None:
    """`django.db.close_old_connections` for a long-lived worker: drop database connections that are broken or past
    CONN_MAX_AGE before and after each job. A connection inside an open transaction is left alone (closing it would
    break that transaction: the test suite runs the worker inside one)."""
    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close_if_unusable_or_obsolete()


class PlanWorker(SimpleWorker):
    """Runs jobs in this process, without a fork, so the per-process meal cache (`meal_options`) stays warm."""

    def execute_job(self, job, queue):
        close_stale_connections()
        try:
            return super().execute_job(job, queue)
        finally:
            close_stale_connections()


def make_worker(queue_name: str | None = None) -> PlanWorker:
    return PlanWorker([plan_queue(queue_name)], connection=connection(), serializer=JSONSerializer)
