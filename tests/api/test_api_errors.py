"""Every answer under /api/ is JSON, errors as {"detail", "field"}: unknown paths, wrong methods, missing or bad
credentials, a session without its CSRF token, bodies over the cap, and the OpenAPI document and docs page."""

import json

import pytest
from django.test import Client

from .conftest import PROFILE, Api

pytestmark = pytest.mark.django_db


def assert_json_error(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "field"} and body["detail"]
    return body


@pytest.mark.parametrize("path", ["/api/", "/api/v1/", "/api/v1/no-such-thing", "/api/v2/foods", "/api/v1/foods/1/x"])
def test_unknown_api_paths_are_a_json_404(path):
    assert_json_error(Client().get(path), 404)


def test_a_path_parameter_of_the_wrong_type_is_a_422_naming_it(anyone):
    assert assert_json_error(anyone.get("foods/lentils"), 422)["field"] == "food_id"


def test_a_wrong_method_is_a_json_405_with_allow(anyone):
    body = assert_json_error(anyone.send("put", "foods", {}), 405)
    assert "Method Not Allowed" in body["detail"]
    assert "GET" in anyone.send("put", "foods", {})["Allow"]


def test_no_credentials_is_a_401_saying_how_to_authenticate(anyone):
    response = anyone.get("plans")
    assert_json_error(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Bearer" in response.json()["detail"]


def test_a_wrong_token_is_a_401_even_where_no_account_is_needed():
    response = Api("rp_not-a-real-token").get("foods")
    assert "unknown or has been revoked" in assert_json_error(response, 401)["detail"]


def test_a_session_works_for_reads_and_needs_the_csrf_token_to_change(people):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(people["owner"])
    api = Api(client=client)
    pk = people["plan"].pk
    assert api.get(f"plans/{pk}").status_code == 200
    assert "CSRF" in assert_json_error(api.patch(f"plans/{pk}", {"name": "Renamed"}), 403)["detail"]
    client.get("/accounts/me/")  # any page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    assert api.patch(f"plans/{pk}", {"name": "Renamed"}, **{"X-CSRFToken": token}).status_code == 200


def test_a_body_over_the_cap_is_a_json_413_and_is_not_read(settings, anyone):
    settings.API_MAX_BODY_BYTES = 1000
    body = assert_json_error(anyone.post("targets", {**PROFILE, "padding": "x" * 2000}), 413)
    assert body["field"] == "body" and "1000 bytes" in body["detail"]


def test_an_unexpected_error_is_a_json_500_not_a_page(monkeypatch, anyone):
    def broken(profile):
        raise RuntimeError("a bug")

    monkeypatch.setattr("api.plans.daily_targets", broken)
    assert_json_error(anyone.post("targets", PROFILE), 500)


def test_the_openapi_document_describes_every_route(anyone):
    schema = anyone.get("openapi.json").json()
    assert schema["openapi"].startswith("3.")
    operations = {(method.upper(), path) for path, item in schema["paths"].items() for method in item}
    assert operations == {
        ("GET", "/api/v1/foods"),
        ("GET", "/api/v1/foods/{food_id}"),
        ("GET", "/api/v1/nutrients"),
        ("POST", "/api/v1/targets"),
        ("POST", "/api/v1/plans"),
        ("GET", "/api/v1/plans"),
        ("GET", "/api/v1/plans/tickets/{ticket}"),
        ("GET", "/api/v1/plans/{plan_id}"),
        ("PATCH", "/api/v1/plans/{plan_id}"),
        ("DELETE", "/api/v1/plans/{plan_id}"),
        ("POST", "/api/v1/plans/{plan_id}/swap"),
        ("POST", "/api/v1/plans/{plan_id}/lock"),
        *(
            (method, f"/api/v1/journal/{kind}{tail}")
            for kind, one in (("labs", "lab_id"), ("nights", "night_id"), ("eaten", "mark_id"))
            for method, tail in (
                ("GET", ""), ("POST", ""), ("GET", f"/{{{one}}}"), ("PATCH", f"/{{{one}}}"), ("DELETE", f"/{{{one}}}")
            )
        ),
    }
    assert set(schema["components"]["securitySchemes"]) == {"TokenAuth", "SessionAuth"}
    profile = schema["components"]["schemas"]["ProfileIn"]
    assert profile["properties"]["diet"]["enum"] == ["omnivore", "pescatarian", "vegetarian", "vegan"]
    night = schema["components"]["schemas"]["NightIn"]
    assert night["properties"]["severity"]["maximum"] == 10 and night["required"] == ["date", "severity"]
    assert "409" in schema["paths"]["/api/v1/journal/nights"]["post"]["responses"]
    assert "409" in schema["paths"]["/api/v1/journal/nights"]["post"]["description"]
    json.dumps(schema)


def test_the_docs_page_loads_swagger_ui_from_our_own_static_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'src="/static/vendor/swagger-ui/swagger-ui-bundle.js"' in body
    assert 'src="/static/js/api-docs.js"' in body and 'data-url="/api/v1/openapi.json"' in body
    assert "<script>" not in body and "http" not in body.replace("http-equiv", "")
