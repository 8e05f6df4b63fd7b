"""The dashboard's files: served with their types and a strict policy, nothing else reachable."""

from __future__ import annotations

import httpx

from tests.support.processes import ApiServer


def test_page_and_modules_are_served(api_server: ApiServer) -> None:
    page = httpx.get(api_server.base_url + "/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert '<script type="module" src="/static/app.js">' in page.text
    script = httpx.get(api_server.base_url + "/static/app.js")
    assert script.headers["content-type"].startswith("text/javascript")
    assert script.headers["cache-control"] == "no-cache"
    style = httpx.get(api_server.base_url + "/static/app.css")
    assert style.headers["content-type"].startswith("text/css")


def test_only_the_listed_files_are_served(api_server: ApiServer) -> None:
    for path in ("/static/index.html", "/static/routes.py", "/static/..%2Froutes.py",
                 "/static/nope.js"):
        answer = httpx.get(api_server.base_url + path)
        assert answer.status_code == 404, path
        assert answer.json()["error"]["code"] == "not_found"
