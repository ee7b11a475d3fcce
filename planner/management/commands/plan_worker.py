"""manage.py plan_worker [--burst] [--queue NAME]: build queued plans (RQ on the Redis at REDIS_URL).

Run one or more beside the web servers whenever REDIS_URL is set (see docs/deploy.md). Each runs one plan at a
time, in its own process; start as many as there are cores to spare.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from redis.exceptions import RedisError

from planner import jobs


class Command(BaseCommand):
    help = "Build queued meal plans: an RQ worker on the plans queue at REDIS_URL."

    def add_arguments(self, parser):
        parser.add_argument("--burst", action="store_true", help="Stop when the queue is empty.")
        parser.add_argument("--queue", help=f"Queue name (default PLAN_QUEUE_NAME, '{settings.PLAN_QUEUE_NAME}').")

    def handle(self, *args, burst, queue, **options):
        if not settings.REDIS_URL:
            raise CommandError(
                "REDIS_URL is not set: there is no plan queue to work on (without Redis, plans are built in the "
                "web request). Set REDIS_URL=redis://host:6379/0 for both the web servers and this worker."
            )
        try:
            worker = jobs.make_worker(queue)
            worked = worker.work(burst=burst, logging_level="INFO" if options["verbosity"] > 0 else "WARNING")
        except RedisError as error:
            raise CommandError(f"cannot reach Redis at REDIS_URL ({error})") from None
        if burst and options["verbosity"] > 0:
            self.stdout.write("plan queue empty" + ("" if worked else " (no jobs run)"))
