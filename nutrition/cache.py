"""The stamp of the food data that says when cached pages built from foods are out of date.

Pages built from foods (the foods browser, a food's page) cost far more to render than to fetch from a
cache. Their fragments are kept by the generic page cache (`config.page_cache`, in the "pages" cache: the
database, or Redis when REDIS_URL is set: shared by every app server) under a key that includes `data_stamp()`.
Any change to what they show moves the stamp, so the next request renders afresh: nothing stale is served
and nothing has to be deleted (fragments under an old stamp are never read again and expire). The food
fragments hold nothing per visitor (no CSRF token, no user): views render them without the request (a person's
own fragments, `config.page_cache.personal()`, are keyed by their id instead).

`data_stamp()` is one SQL query (subqueries on primary keys and the small food table) and one cache read:

- the query covers foods, nutrient amounts and portions: the number of foods and their latest
  `updated_at` (creates, deletes, and `queryset.update(updated_at=...)` as `workspace.services.touch_food`
  does), and the latest history row of each (every save and delete: admin edits, the dietitian workspace's
  edits and reverts, the spreadsheet import, and the bulk importers, which write history rows with
  `bulk_create_with_history`/`bulk_update_with_history` and send no signals);
- the cache read is a generation that signals replace when food groups, nutrients, allergens or reference
  intakes are saved or deleted and when a food's allergens change (these have no history or timestamp of
  their own), and that `manage.py load_reference_data` replaces after loading fixtures (loaddata saves
  raw: no signal handled here, no history, the fixture's own `updated_at`). It is replaced at once and
  again after the transaction commits, so a reader that saw the first new generation before the commit
  cannot leave old data under the generation that follows it.

Not covered: raw SQL, a plain `manage.py loaddata`, and `queryset.update()` of foods, amounts or portions
that sets no `updated_at` and writes no history (nothing in the project writes these ways).
"""

from __future__ import annotations

import functools
import time
import uuid

from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from config.page_cache import page_cache

from .models import Allergen, Food, FoodGroup, Nutrient, NutrientAmount, Portion, ReferenceIntake

GENERATION_KEY = "food-data-generation"


@functools.cache  # (the SQL never changes; `Model.history` builds a manager class on each access)
def _stamp_sql() -> str:
    def table(model) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    food = table(Food)
    parts = [f"SELECT COUNT(*) FROM {food}", f"SELECT MAX(updated_at) FROM {food}"]
    parts += [f"SELECT MAX(history_id) FROM {table(model.history.model)}" for model in (Food, NutrientAmount, Portion)]
    return "SELECT " + ", ".join(f"({part})" for part in parts)


def data_stamp() -> str:
    """A stamp of the food data that moves on any change that could alter a food page (see the module doc).

    Read it before the data it guards: a page rendered from newer data than its stamp is harmless, the
    other way round is not.
    """
    generation = _generation()
    return "|".join(map(str, (generation, *_stamp_row())))


def _stamp_row() -> tuple:
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_stamp_sql())
            return cursor.fetchone()
    # PostgreSQL: a prepared statement, planned once per connection (planning is half of what the query costs
    # the server; Django's cursors bind on the client and cannot prepare). As Django's own cursor would: the
    # connection's health check first, database errors as Django's, and the query in the debug log.
    import psycopg

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    started = time.monotonic()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(_stamp_sql(), prepare=True)
        row = cursor.fetchone()
    if connection.queries_logged:
        connection.queries_log.append({"sql": _stamp_sql(), "time": f"{time.monotonic() - started:.3f}"})
    return row


def _generation() -> str:
    cache = page_cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:  # never set, expired or culled: a new value, never one used before
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(GENERATION_KEY)
    return generation


def _new_generation() -> None:
    page_cache().set(GENERATION_KEY, uuid.uuid4().hex, None)


def data_changed() -> None:
    """Move the generation now and again once the change commits (see the module doc)."""
    _new_generation()
    if connection.in_atomic_block:
        transaction.on_commit(_new_generation)


def _saved_or_deleted(sender, raw=False, **kwargs) -> None:
    if not raw:  # fixture loads: load_reference_data calls data_changed once for the lot
        data_changed()


def _allergens_changed(sender, action, **kwargs) -> None:
    if action.startswith("post_"):
        data_changed()


for _model in (FoodGroup, Nutrient, Allergen, ReferenceIntake):
    post_save.connect(_saved_or_deleted, sender=_model, dispatch_uid=f"page-cache-save-{_model.__name__}")
    post_delete.connect(_saved_or_deleted, sender=_model, dispatch_uid=f"page-cache-delete-{_model.__name__}")
m2m_changed.connect(_allergens_changed, sender=Food.allergens.through, dispatch_uid="page-cache-food-allergens")
