"""What the workspace's lists show alike to every dietitian, rendered once and kept in the page cache.

The food list, the meal list, the review list and the workspace's counts show the shared food and meal data,
nothing of any one dietitian or client: the same for every dietitian. Their HTML is kept by `config.page_cache`
under a key that holds the stamps of the data it was built from, so that any change shows on the next request and
nothing has to be deleted:

- `nutrition.cache.data_stamp()`: foods, their values and portions (every save writes a history row or moves
  `updated_at`; `workspace.services.touch_food` moves `updated_at`, and flags the food's meals for review in the
  same step), food groups, nutrients and allergens;
- `meal_stamp()`: the meals (how many, the latest `updated_at`) and the latest history row of meals and of their
  ingredients (every save, review mark, revert and delete writes one).

A fragment holds no CSRF token: it is rendered with `config.page_cache.token_slot()` in the token's place and each
response gets the requesting dietitian's own token (`fragment`). The practice pages (a dietitian's own clients) are
never cached here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.db import connection
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from config import page_cache
from nutrition.cache import data_stamp
from planner.models.meals import Meal, MealIngredient


@functools.cache
def _meal_stamp_sql() -> str:
    def table(model) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    meal = table(Meal)
    parts = [f"SELECT COUNT(*) FROM {meal}", f"SELECT MAX(updated_at) FROM {meal}"]
    parts += [f"SELECT MAX(history_id) FROM {table(model.history.model)}" for model in (Meal, MealIngredient)]
    return "SELECT " + ", ".join(f"({part})" for part in parts)


def meal_stamp() -> str:
    """A stamp of the meals that moves on any save, review mark, revert or delete of a meal or an ingredient."""
    with connection.cursor() as cursor:
        cursor.execute(_meal_stamp_sql())
        return "|".join(map(str, cursor.fetchone()))


def stamps() -> tuple[str, str]:
    """The food data's stamp and the meals' (read before the data they guard)."""
    return data_stamp(), meal_stamp()


def fragment(request, name: str, parts: tuple, template: str, context: Callable[[], dict]) -> SafeString:
    """`template` rendered with `context()`, kept under `name` and `parts` (which must hold every stamp and every
    parsed parameter the fragment depends on), with the requesting dietitian's own CSRF token put in."""
    slot = page_cache.token_slot()
    html = page_cache.cached(
        f"workspace-{name}", (*parts, slot), lambda: render_to_string(template, {**context(), "csrf_token": slot})
    )
    return mark_safe(html.replace(slot, get_token(request)))  # noqa: S308 (our own template's output)


def query_values(request, params: tuple[str, ...]) -> tuple[str, ...]:
    """The values of `params` in the request's query, for a key: a page number as the paginator reads it (`02` is
    page 2, anything not a number page 1), so that one page is not kept under many spellings."""
    values = []
    for name in params:
        value = request.GET.get(name, "")
        if name.endswith("page"):
            value = str(int(value)) if value.isdigit() and int(value) > 1 else ""
        values.append(value)
    return tuple(values)
