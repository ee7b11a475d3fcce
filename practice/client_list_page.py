"""The dietitian's clients list: what it shows (her active sharings, sorted, searched and paged, and her pending
invitations) and the key her cached copy is kept under (`page_cache.personal`): the sharings, each client's journal
stamp, the food data's stamp, the invitations, the day, the sort, the search and the page, so that a change to any
of them renders the list afresh."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import urlencode

from config import page_cache
from nutrition.cache import data_stamp

from . import cache, selectors

CLIENTS_PER_PAGE = 50


def body(request) -> str:
    """The list's body for the signed-in dietitian, from her cached copy while nothing it shows has changed."""
    sort = request.GET.get("sort", "name")
    sort = sort if sort in selectors.SORTS else "name"  # as the list reads it: one key for every unknown sort
    descending = request.GET.get("dir") == "desc"
    query = request.GET.get("q", "").strip()
    today = timezone.localdate()
    links = selectors.active_link_stamps(request.user, query)
    page_number = page_number_in(request.GET.get("page"), len(links))
    pending = list(selectors.pending_invitations(request.user))
    return page_cache.personal(
        request,
        "clients",
        lambda: (
            links,
            cache.journal_stamp([client_id for _pk, client_id, *_names in links]),
            data_stamp(),
            [(link.pk, link.client_name, link.expires_at) for link in pending],
            today,
            sort,
            descending,
            query,
            page_number,
        ),
        lambda token: _render(
            request, {pk for pk, *_rest in links}, pending, today, sort, descending, query, page_number, token
        ),
    )


def page_number_in(asked, count: int) -> int:
    """The page asked for, as a number within the pages there are (so that the cache keys a page once)."""
    try:
        number = int(asked)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), max(1, -(-count // CLIENTS_PER_PAGE)))


def _render(request, link_ids, pending, today, sort, descending, query, page_number, token) -> str:
    """The clients list's body, with `token` for the CSRF token: kept per dietitian by `page_cache.personal`."""
    rows = selectors.client_rows(request.user, sort=sort, descending=descending, query=query, today=today)
    # Only the sharings the key was read from: one accepted while this rendered is not kept under a key without it
    # (that key would come back if she then stopped sharing).
    rows = [row for row in rows if row["link"].pk in link_ids]
    page = Paginator(rows, CLIENTS_PER_PAGE).get_page(page_number)
    params = {"sort": sort, "q": query, **({"dir": "desc"} if descending else {})}
    context = {
        "rows": page.object_list,
        "page": page,
        "params": urlencode({k: v for k, v in params.items() if v}),
        "sort": sort if sort in selectors.SORTS else "name",
        "descending": descending,
        "query": query,
        "pending": pending,
        "columns": [
            ("name", "Client"),
            ("last_entry", "Last journal entry"),
            ("ferritin", "Latest ferritin"),
            ("severity", "Night severity, last 4 weeks (4 before)"),
            ("eaten", "Targets eaten, last 7 days"),
        ],
        "csrf_token": token,
    }
    return render_to_string("practice/client_list.html#body", context)
