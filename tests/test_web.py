"""The web view through Starlette's test client, on every backend: each page over the
seeds and synthetic drugs, the clocks, aliases, errors, escaping, the feeds read back by
their libraries, and the JSON API equal to the CLI's JSON."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import feedparser
import icalendar
import pytest
from milestones_cli.web import PAGE_ROWS, create_app
from starlette.testclient import TestClient

from eventstore import NewEvent

from .test_cli import SEEDS, Milestones

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def site(store, store_url):
    run = Milestones(store_url)
    run("import", str(SEEDS))
    store.append(
        [
            NewEvent(f"synth-{i:03d}", "phase_started", "2020-03", {"phase": "2", "indication": "melanoma"})
            for i in range(120)
        ]
        + [
            NewEvent(
                HOSTILE, "approved", "2021-05-01", {"agency": "FDA"}, quote=HOSTILE, source="https://example.org/x"
            )
        ]
    )
    run("alias", "TUOYI", "toripalimab")
    run("expect", "toripalimab", "approved", "--window", "2027-H2", "--agency", "FDA", "--source", "a; b, c")
    return TestClient(create_app(store), raise_server_exceptions=False), run


def test_the_pipeline_lists_pages_and_filters(site):
    client, run = site
    drugs = len(run.json("status"))
    assert drugs > PAGE_ROWS
    page = client.get("/")
    assert page.status_code == 200 and f"{drugs} drugs" in page.text
    assert page.text.count('class="drug"') == PAGE_ROWS  # by name: synth-… fill the first page
    second = client.get("/?page=2").text
    assert second.count('class="drug"') == drugs - PAGE_ROWS and "toripalimab" in second
    only = client.get("/?phase=approved")
    assert "toripalimab" in only.text and "synth-001" not in only.text
    assert "synth-001" in client.get("/?q=melanoma").text
    assert "toripalimab" not in client.get("/?q=melanoma").text


def test_a_new_fact_shows_at_once_on_the_pipeline(site, store):
    client, _ = site
    assert "newcomermab" not in client.get("/?q=newcomer").text
    store.append([NewEvent("newcomermab", "phase_started", "2024-02", {"phase": "1"})])
    assert "newcomermab" in client.get("/?q=newcomer").text


def test_the_as_of_date_rewinds_the_page(site):
    client, _ = site
    june = client.get("/drugs/toripalimab?as_of=2018-06-30").text
    assert "accepted" in june and "approved (conditional)" not in june
    assert "approved (conditional)" in client.get("/drugs/toripalimab?as_of=2019-01-01").text


def test_a_drug_page_has_status_timeline_chart_aliases_expectations_and_corrections(site, store):
    client, _ = site
    wrong = store.append([NewEvent("toripalimab", "discontinued", "2020-01")])[0]
    store.retract(wrong.id, "misread press release")
    page = client.get("/drugs/toripalimab").text
    assert 'id="timeline"' in page and 'src="/charts/toripalimab.svg"' in page
    chart = client.get("/charts/toripalimab.svg")
    assert chart.headers["content-type"] == "image/svg+xml" and "<svg" in chart.text
    assert client.get("/charts/toripalimab.svg").text == chart.text  # the second from the cache
    assert "TUOYI" in page and "2027-H2" in page
    assert "misread press release" in page


def test_an_alias_redirects_to_the_canonical_name_with_its_clocks(site):
    client, _ = site
    moved = client.get("/drugs/TUOYI?as_of=2019-01-01", follow_redirects=False)
    assert moved.status_code == 307 and moved.headers["location"] == "/drugs/toripalimab?as_of=2019-01-01"


def test_errors_are_one_clear_line_and_never_a_traceback(site):
    client, _ = site
    unknown = client.get("/drugs/toripalimabb")
    assert unknown.status_code == 404 and "did you mean toripalimab" in unknown.text
    bad = client.get("/?as_of=31/12/2019")
    assert bad.status_code == 400 and "as_of:" in bad.text
    for url in ("/?page=0", "/?phase=9", "/?sort=nonsense", "/calendar?from=soon", "/changes?since=yesterday"):
        refused = client.get(url)
        assert refused.status_code == 400, url
        assert "Traceback" not in refused.text and refused.text.count('id="error"') == 1
    assert client.get("/api/drugs/nothing").json() == {"error": "unknown drug 'nothing'"}


def test_nothing_writes(site):
    client, _ = site
    for url in ("/", "/drugs/toripalimab", "/api/pipeline", "/calendar.ics"):
        assert client.post(url).status_code == 405
        assert client.delete(url).status_code == 405


def test_every_text_from_the_store_is_escaped(site):
    client, _ = site
    for url in ("/", "/drugs/" + HOSTILE, "/changes?since=2000-01-01"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert HOSTILE not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    chart = client.get("/charts/" + quote(HOSTILE, safe="") + ".svg")
    assert chart.status_code == 200 and HOSTILE not in chart.text and "&lt;script&gt;" in chart.text


def test_the_feeds_parse_back(site):
    client, _ = site
    ics = client.get("/calendar.ics?agency=FDA")
    assert ics.headers["content-type"].startswith("text/calendar")
    [event] = icalendar.Calendar.from_ical(ics.text).walk("VEVENT")
    assert "toripalimab" in str(event["SUMMARY"]) and "source a; b, c" in str(event["DESCRIPTION"])
    assert icalendar.Calendar.from_ical(client.get("/calendar.ics?agency=EMA").text).walk("VEVENT") == []
    feed = feedparser.parse(client.get("/changes.atom?since=2000-01-01").content)
    assert not feed.bozo, feed.bozo_exception
    titles = [e.title for e in feed.entries]
    assert any(t.startswith("toripalimab: ") for t in titles) and any(HOSTILE in t for t in titles)


def test_the_json_api_is_the_command_lines_json(site):
    client, run = site
    pairs = [
        ("/api/pipeline?as_of=2019-01-01", ["status", "--as-of", "2019-01-01"]),
        ("/api/drugs/TUOYI?known_at=2019-01-01", ["status", "TUOYI", "--known-at", "2019-01-01"]),
        ("/api/drugs/toripalimab/timeline", ["timeline", "toripalimab"]),
        ("/api/calendar", ["calendar"]),
        ("/api/changes?since=2000-01-01", ["changes", "--since", "2000-01-01"]),
    ]
    for url, args in pairs:
        assert client.get(url).json() == json.loads(run(*args, "--format", "json").stdout), url


def test_the_api_page_names_every_api_route(site):
    client, _ = site
    page = client.get("/api").text
    routes = [r.path for r in client.app.routes if r.path.startswith("/api/")]
    assert all(r.replace("{name:path}", "NAME") in page for r in routes)


def test_serve_without_a_store_says_so(tmp_path):
    missing = Milestones(str(Path(tmp_path) / "none.db"))
    assert "milestones init" in missing("serve", code=2).stderr
