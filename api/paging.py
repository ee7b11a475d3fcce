"""One page of a list, in the one shape every list route answers: {count, page, page_size, pages, results}."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.paginator import Paginator

from .errors import FieldError


def page_of(entries: Iterable, page: int, page_size: int, shape: Callable) -> dict:
    """Page `page` of `entries`, each given as `shape(entry)`; a page past the last is a 422 naming `page`."""
    paginator = Paginator(entries, page_size)
    if page > max(paginator.num_pages, 1):
        raise FieldError(422, "page", f"there are {paginator.num_pages} pages")
    return {
        "count": paginator.count,
        "page": page,
        "page_size": page_size,
        "pages": paginator.num_pages,
        "results": [shape(entry) for entry in paginator.page(page)],
    }
