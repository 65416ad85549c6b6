"""The read-only web view (`milestones serve`): the pipeline, a drug, the calendar and the
changes as server-rendered pages, live iCalendar and Atom feeds, and the CLI's JSON forms
under /api. Every route only reads; Jinja2 escapes every text from the store."""

from __future__ import annotations

import re
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from eventstore import queries
from eventstore.aliases import did_you_mean, name_key
from eventstore.changes import changes as changes_since
from eventstore.changes import watched_changes
from eventstore.dates import parse_cutoff_day, parse_cutoff_instant, parse_start_day, today_utc
from eventstore.errors import InvalidDate, MilestonesError, StoreUnavailable, UnknownDrug
from eventstore.event_types import EVENT_TYPES
from eventstore.status import PHASE_LADDER, Cutoffs, DrugStatus, describe, visible
from eventstore.store.base import EventStore

from .commands.expected import to_ical

PAGE_ROWS = 100  # pipeline rows a page shows
CHARTS_CACHED = 256  # drug charts kept rendered
PIPELINES_CACHED = 16  # pipelines kept, one per set of clocks
CHANGES_DAYS = 7  # what /changes shows without ?since=
TEMPLATES = Path(__file__).parent / "templates"
_SVG_START = re.compile(r"<svg\b")


class BadRequest(MilestonesError):
    """A query parameter the view cannot use."""


def drug_path(name: str) -> str:
    return "/drugs/" + quote(name, safe="")


def with_query(path: str, query: str | dict[str, str]) -> str:
    """A path with a query string, where there is one."""
    text = urlencode(query) if isinstance(query, dict) else query
    return f"{path}?{text}" if text else path


class Remembered:
    """Answers kept by key, the oldest let go past a limit."""

    def __init__(self, limit: int):
        self.limit, self.kept = limit, dict[tuple, Any]()

    def get(self, key: tuple, compute: Callable[[], Any]) -> Any:
        if key not in self.kept:
            value = compute()
            if len(self.kept) >= self.limit:
                self.kept.pop(next(iter(self.kept)))
            self.kept[key] = value
        return self.kept[key]


def _templates() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "xml"]))
    env.filters["drug_url"] = drug_path
    return env


def _cutoffs(request: Request) -> Cutoffs:
    return Cutoffs(
        as_of=_day(request, "as_of", parse_cutoff_day),
        known_at=_day(request, "known_at", parse_cutoff_day),
    )


def _day(request: Request, name: str, parse: Callable[[str], date]) -> date | None:
    text = request.query_params.get(name, "").strip()
    if not text:
        return None
    try:
        return parse(text)
    except InvalidDate as error:
        raise BadRequest(f"{name}: {error}") from None


def _clocks(request: Request) -> dict[str, str]:
    """The as-of and known-at the page was asked for, to keep on its links."""
    return {k: request.query_params[k] for k in ("as_of", "known_at") if request.query_params.get(k)}


def _matches(status: DrugStatus, phase: str, agency: str, event_type: str, text: str) -> bool:
    if phase and status.highest_phase != phase:
        return False
    if agency and not any((e["agency"] or "").upper() == agency.upper() for e in status.regulatory):
        return False
    if event_type and (status.last_event or {}).get("type") != event_type:
        return False
    if text:
        haystack = " ".join(
            [
                status.drug,
                *status.partners,
                *status.highest_phase_by_indication,
                (status.last_event or {}).get("summary", ""),
            ]
        )
        return text.casefold() in haystack.casefold()
    return True


class View:
    """The pages over one store."""

    def __init__(self, store: EventStore):
        self.store = store
        self.env = _templates()
        self.charts = Remembered(CHARTS_CACHED)
        self.pipelines = Remembered(PIPELINES_CACHED)

    def page(self, template: str, request: Request, status_code: int = 200, **context: Any) -> HTMLResponse:
        html = self.env.get_template(template).render(
            request=request, clocks=_clocks(request), path=request.url.path, **context
        )
        return HTMLResponse(html, status_code=status_code)

    # -- pipeline -----------------------------------------------------------------------
    def every_status(self, cutoffs: Cutoffs) -> list[DrugStatus]:
        """The pipeline under the clocks, kept while the log's head and the day stay the
        same: the same answer, computed once however many times the team asks."""
        key = (cutoffs, self.store.head()[0], today_utc())
        return self.pipelines.get(key, lambda: queries.pipeline(self.store, cutoffs))

    def pipeline_rows(self, request: Request) -> tuple[list[DrugStatus], dict[str, str]]:
        q = request.query_params
        wanted = {k: q.get(k, "").strip() for k in ("phase", "agency", "type", "q", "sort")}
        if wanted["phase"] and wanted["phase"] not in PHASE_LADDER:
            raise BadRequest(f"phase: {wanted['phase']!r} is not one of {', '.join(PHASE_LADDER)}")
        if wanted["type"] and wanted["type"] not in EVENT_TYPES:
            raise BadRequest(f"type: {wanted['type']!r} is not an event type")
        statuses = [
            s
            for s in self.every_status(_cutoffs(request))
            if _matches(s, wanted["phase"], wanted["agency"], wanted["type"], wanted["q"])
        ]
        order = {
            "": lambda s: s.drug.casefold(),
            "drug": lambda s: s.drug.casefold(),
            "phase": lambda s: (-PHASE_LADDER.index(s.highest_phase) if s.highest_phase else 1, s.drug.casefold()),
            "last": lambda s: ((s.last_event or {}).get("date") or "", s.drug.casefold()),
        }
        if wanted["sort"] not in order:
            raise BadRequest("sort: one of drug, phase, last")
        statuses.sort(key=order[wanted["sort"]], reverse=wanted["sort"] == "last")
        return statuses, wanted

    def pipeline(self, request: Request) -> Response:
        statuses, wanted = self.pipeline_rows(request)
        page = _page_number(request)
        shown = statuses[(page - 1) * PAGE_ROWS : page * PAGE_ROWS]
        rows = [
            {
                "drug": s.drug,
                "phase": s.highest_phase,
                "agencies": [f"{e['agency'] or '?'}: {e['state']}" for e in s.regulatory],
                "approvals": s.approvals(),
                "partners": s.partners,
                "last": s.last_event,
            }
            for s in shown
        ]
        keep = {k: v for k, v in {**_clocks(request), **wanted}.items() if v}
        pages = max(1, -(-len(statuses) // PAGE_ROWS))
        return self.page(
            "pipeline.html",
            request,
            rows=rows,
            total=len(statuses),
            page=page,
            pages=pages,
            link=lambda **change: "?" + urlencode({**keep, **change}),
            wanted=wanted,
            phases=PHASE_LADDER,
            types=list(EVENT_TYPES),
        )

    # -- one drug -----------------------------------------------------------------------
    def canonical(self, request: Request) -> str:
        name = request.path_params["name"]
        if not self.store.is_known(name):
            raise UnknownDrug(f"unknown drug {name!r}{did_you_mean(name, self.store.known_names())}")
        return self.store.canonical_name(name)

    def drug(self, request: Request) -> Response:
        name = request.path_params["name"]
        drug = self.canonical(request)
        if drug != name:
            return RedirectResponse(with_query(drug_path(drug), request.url.query), status_code=307)
        cutoffs = _cutoffs(request)
        status = queries.drug_status(self.store, drug, cutoffs)
        facts = self.store.read_drug(drug)
        shown = visible(facts, cutoffs)  # the timeline, from the one read
        by_id = {f.id: f for f in facts}
        corrections = [
            {
                "recorded": f.recorded.isoformat(timespec="seconds"),
                "what": describe(by_id[f.retracts].type, by_id[f.retracts].attributes)
                if f.retracts in by_id
                else f.retracts,
                "reason": f.data.get("reason"),
            }
            for f in facts
            if f.kind == "retraction"
        ]
        today = cutoffs.as_of or today_utc()
        expected = [e.to_json(today) for e in queries.calendar(self.store) if name_key(e.drug) == name_key(drug)]
        registry = self.store.aliases()
        return self.page(
            "drug.html",
            request,
            drug=drug,
            status=status,
            approvals=status.approvals(),
            timeline=[
                {
                    "date": v.event.date.to_json() or "unknown",
                    "summary": describe(v.event.type, v.event.attributes),
                    "certain": v.certain,
                    "sources": v.sources,
                    "quote": v.event.quote,
                    "id": v.event.id,
                }
                for v in shown
            ],
            chart=with_query("/charts/" + quote(drug, safe="") + ".svg", request.url.query) if shown else None,
            aliases=[n for n in registry.names_of(registry.resolve(drug)) if name_key(n) != name_key(drug)],
            expected=expected,
            corrections=corrections,
        )

    def chart(self, request: Request) -> Response:
        """The drug's chart as SVG, a resource of its own: matplotlib takes a few hundred
        milliseconds a chart, which the drug page need not wait for. Cached per drug,
        clocks and head of the log."""
        drug = self.canonical(request)
        cutoffs = _cutoffs(request)
        key = (name_key(drug), cutoffs, self.store.head()[0])
        svg = self.charts.get(key, lambda: _chart(drug, queries.timeline(self.store, drug, cutoffs), cutoffs.as_of))
        if svg is None:
            raise HTTPException(404)
        return Response(svg, media_type="image/svg+xml")

    # -- calendar and changes -----------------------------------------------------------
    def expected(self, request: Request) -> list:
        q = request.query_params
        event_type = q.get("type") or None
        if event_type and event_type not in EVENT_TYPES:
            raise BadRequest(f"type: {event_type!r} is not an event type")
        return queries.calendar(
            self.store,
            _day(request, "from", parse_start_day),
            _day(request, "to", parse_cutoff_day),
            q.get("agency") or None,
            event_type,
            _day(request, "as_of", parse_cutoff_day),
        )

    def calendar(self, request: Request) -> Response:
        today = today_utc()
        found = [e.to_json(today) for e in self.expected(request)]
        keep = {k: v for k, v in request.query_params.items() if v}
        return self.page("calendar.html", request, expected=found, ics=with_query("/calendar.ics", keep))

    def calendar_ics(self, request: Request) -> Response:
        return Response(to_ical(self.expected(request)), media_type="text/calendar; charset=utf-8")

    def recent(self, request: Request) -> list:
        text = request.query_params.get("since", "").strip()
        try:
            since = parse_cutoff_instant(text) if text else datetime.now(timezone.utc) - timedelta(days=CHANGES_DAYS)
        except InvalidDate as error:
            raise BadRequest(f"since: {error}") from None
        watched = request.query_params.get("watched", "") in ("1", "true", "yes")
        return (watched_changes if watched else changes_since)(self.store, since)

    def changes(self, request: Request) -> Response:
        found = self.recent(request)
        keep = {k: v for k, v in request.query_params.items() if v}
        atom = with_query("/changes.atom", keep)
        return self.page("changes.html", request, changes=[c.to_json() for c in found], atom=atom)

    def changes_atom(self, request: Request) -> Response:
        return Response(_atom(self.recent(request), str(request.url)), media_type="application/atom+xml; charset=utf-8")

    # -- JSON: the CLI's forms ----------------------------------------------------------
    def api_pipeline(self, request: Request) -> Response:
        statuses, _ = self.pipeline_rows(request)
        return JSONResponse([s.to_json() for s in statuses])

    def api_drug(self, request: Request) -> Response:
        return JSONResponse(queries.drug_status(self.store, self.canonical(request), _cutoffs(request)).to_json())

    def api_timeline(self, request: Request) -> Response:
        shown = queries.timeline(self.store, self.canonical(request), _cutoffs(request))
        return JSONResponse([v.to_json() for v in shown])

    def api_calendar(self, request: Request) -> Response:
        today = today_utc()
        return JSONResponse([e.to_json(today) for e in self.expected(request)])

    def api_changes(self, request: Request) -> Response:
        return JSONResponse([c.to_json() for c in self.recent(request)])

    def api(self, request: Request) -> Response:
        return self.page("api.html", request)


def _page_number(request: Request) -> int:
    text = request.query_params.get("page", "1")
    if not text.isdigit() or int(text) < 1:
        raise BadRequest("page: a whole number from 1")
    return int(text)


def _chart(drug: str, shown: list, as_of: date | None) -> str | None:
    """The timeline chart as SVG (matplotlib escapes the text it writes); None without
    matplotlib or events."""
    if not shown:
        return None
    from eventstore.chart import draw, split_lanes

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "chart.svg"
        try:
            draw(split_lanes(drug, shown, None), path, as_of)
        except MilestonesError:  # matplotlib is not installed: the page does without
            return None
        svg = path.read_text(encoding="utf-8")
    start = _SVG_START.search(svg)
    return svg[start.start() :] if start else None


def _atom(found: list, url: str) -> bytes:
    """An Atom feed (RFC 4287) of changes; ElementTree escapes every text."""
    ns = "http://www.w3.org/2005/Atom"
    feed = ET.Element("feed", xmlns=ns)
    ET.SubElement(feed, "title").text = "milestones: what changed"
    ET.SubElement(feed, "id").text = url
    ET.SubElement(feed, "link", href=url, rel="self")
    updated = max((c.recorded for c in found), default=datetime.now(timezone.utc))
    ET.SubElement(feed, "updated").text = updated.isoformat()
    ET.SubElement(ET.SubElement(feed, "author"), "name").text = "milestones"
    for change in reversed(found):  # newest first
        entry = ET.SubElement(feed, "entry")
        ET.SubElement(entry, "id").text = f"urn:uuid:{change.id}:{change.kind}"
        ET.SubElement(entry, "title").text = f"{change.drug}: {change.summary}"
        ET.SubElement(entry, "updated").text = change.recorded.isoformat()
        ET.SubElement(entry, "category", term=change.severity)
        ET.SubElement(entry, "link", href=drug_path(change.drug))
        ET.SubElement(entry, "summary").text = f"{change.severity} {change.kind}: {change.summary}"
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def create_app(store: EventStore) -> Starlette:
    """The web view over a store. It only reads: on PostgreSQL the reader role from
    `milestones grants` is enough."""
    view = View(store)

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    def refuse(request: Request, status_code: int, message: str) -> Response:
        if wants_json(request):
            return JSONResponse({"error": message}, status_code=status_code)
        return view.page("error.html", request, status_code=status_code, code=status_code, message=message)

    async def bad_request(request: Request, error: Exception) -> Response:
        return refuse(request, 400, str(error))

    async def not_found(request: Request, error: Exception) -> Response:
        return refuse(request, 404, str(error))

    async def unavailable(request: Request, error: Exception) -> Response:
        return refuse(request, 503, str(error))

    async def http_error(request: Request, error: Exception) -> Response:
        code = error.status_code if isinstance(error, HTTPException) else 500
        return refuse(
            request, code, "no such page" if code == 404 else "that is not allowed here: this view only reads"
        )

    async def internal(request: Request, error: Exception) -> Response:
        return refuse(request, 500, f"internal error ({type(error).__name__}); the page could not be made")

    routes = [
        Route("/", view.pipeline),
        Route("/charts/{name:path}.svg", view.chart),
        Route("/drugs/{name:path}", view.drug),
        Route("/calendar", view.calendar),
        Route("/calendar.ics", view.calendar_ics),
        Route("/changes", view.changes),
        Route("/changes.atom", view.changes_atom),
        Route("/api", view.api),
        Route("/api/pipeline", view.api_pipeline),
        Route("/api/drugs/{name:path}/timeline", view.api_timeline),
        Route("/api/drugs/{name:path}", view.api_drug),
        Route("/api/calendar", view.api_calendar),
        Route("/api/changes", view.api_changes),
    ]
    handlers: dict[Any, Callable] = {
        UnknownDrug: not_found,
        StoreUnavailable: unavailable,
        MilestonesError: bad_request,
        HTTPException: http_error,
        Exception: internal,
    }
    return Starlette(routes=routes, exception_handlers=handlers)
