"""Version 1 of the JSON API: the NinjaAPI, its routers and its error handlers."""

from ninja import NinjaAPI

from . import errors, foods, journal, plans

api = NinjaAPI(
    title="Restful Plate API",
    version="1",
    description=(
        "Foods and nutrients (per 100 g; unknown is null, never 0), daily targets and meal plans for restless legs "
        "syndrome, your saved plans and your journal (lab results, nights, meals eaten). Reading and computing need "
        "no account; saved plans and the journal need a personal access token (`Authorization: Bearer <token>`, "
        "from your account page) or the site's session. Errors are "
        '`{"detail": ..., "field": ...}`. Restful Plate informs; it does not diagnose or prescribe.'
    ),
    urls_namespace="api:v1",  # inside the "api" app namespace (api/urls.py)
    docs_url=None,  # our own page (api.views.docs): Swagger UI from our static files, under our CSP
    openapi_url="/openapi.json",
)
api.add_router("", foods.router)
api.add_router("", plans.router)
api.add_router("", journal.router)
for exception, handler in errors.HANDLERS:
    api.add_exception_handler(exception, handler)
