"""The API docs page in Chromium: Swagger UI renders every route from our own static files, under the site's
Content-Security-Policy, with no request to another host and no console error (the `page` fixture fails on any)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_render_from_our_own_files(page, live_server):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    response = page.goto("/api/v1/docs")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.locator(".swagger-ui .info .title").filter(has_text="Restful Plate API").wait_for()
    page.locator(".opblock-summary-path", has_text="/api/v1/plans/{plan_id}/swap").first.wait_for()
    document = page.request.get(f"{live_server.url}/api/v1/openapi.json").json()
    operations = sum(len(methods) for methods in document["paths"].values())
    assert operations >= 27 and page.locator(".opblock").count() == operations  # every operation, journal included
    page.locator(".opblock-summary", has_text="/api/v1/nutrients").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    page.locator(".response .response-col_status", has_text="200").first.wait_for()
    outside = [url for url in requests if not url.startswith(live_server.url) and not url.startswith("data:")]
    assert outside == []
