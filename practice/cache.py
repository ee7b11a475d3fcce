"""The dietitian's clients list, kept in the page cache per dietitian.

The list's body (the clients' figures, the pager, the pending invitations) is kept under a key that holds the
dietitian's id and a stamp (`clients_stamp`) of everything it shows, so that any change shows on the next request
and nothing has to be deleted:

- the dietitian's active sharings as read on this request (each link's id, client, name as the dietitian wrote it,
  and the client's username): a client who ends the sharing, or whose account is closed, drops out of this read,
  so the key moves and the list is rendered afresh (through `journal.access.open_journals`) without them;
- a stamp of those clients' journals (`journal_stamp`: for nights, labs, meal marks and profiles, each client's
  count and latest `updated_at`, one query): any entry added, edited or deleted moves it;
- the food data's stamp (the share of targets eaten is computed from the foods' amounts);
- the pending invitations (ids and expiry: an expired one drops out of their read), the day (the windows are
  counted from today), and the sort, filter and page asked for.

The body is kept by `config.page_cache.personal()`, as the journal home is: under a key that holds the
dietitian's id (no one is ever served a list rendered for someone else), only if the stamp read again after
rendering is the same (a change made while it rendered is never kept under the older stamp), for an hour at most
(a client's figures do not linger in the cache after they stop sharing), with each response's own CSRF token put
in place of the slot the body was rendered with.
"""

from __future__ import annotations

from journal.models import LabResult, MealMark, Night
from journal.selectors import owners_stamp
from planner.models import Profile

# Everything of a client's that the list shows (profiles: the latest one's age sets the ferritin band).
STAMPED = (Night, LabResult, MealMark, Profile)


def journal_stamp(client_ids: list[int]) -> tuple:
    """A stamp of these clients' journals as the list shows them (`journal.selectors.owners_stamp`)."""
    return owners_stamp(client_ids, STAMPED)
