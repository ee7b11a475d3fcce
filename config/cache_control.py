"""`Cache-Control: private` on every response that carries something of one visitor's: their CSRF token (every page
with a form or htmx, and the page cache's whole pages, which put the visitor's token in), or anything read from
their session (a signed-in page, a plan). A shared cache or CDN in front of the site must never store one and hand
it to the next visitor. A response that already says how it may be cached is left alone."""

from django.utils.cache import patch_cache_control


class PrivatePagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" in response:
            return response
        session = getattr(request, "session", None)
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or (session is not None and session.accessed):
            patch_cache_control(response, private=True)
        return response
