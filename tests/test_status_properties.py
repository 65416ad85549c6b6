"""Properties of status over generated histories, through a real store: every answer
equals a brute-force oracle; certainty only grows with the as-of date; status does not
depend on append order; a late alias merge equals the canonical name from the start;
the incremental projection equals a full replay."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import eventstore
from eventstore import NewEvent, projection, queries
from eventstore.dates import PartialDate
from eventstore.status import Cutoffs, describe, fold

TODAY = date.today()
DRUGS = ["A", "B", "A1"]
PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@st.composite
def partial_dates(draw):
    precision = draw(st.sampled_from(["day", "day", "month", "quarter", "half", "year", "unknown"]))
    if precision == "unknown":
        return PartialDate.unknown()
    day = draw(st.dates(date(2015, 1, 1), date(2020, 12, 31)))
    part = {
        "day": day.month,
        "month": day.month,
        "quarter": (day.month - 1) // 3 + 1,
        "half": (day.month - 1) // 6 + 1,
        "year": None,
    }[precision]
    return PartialDate(precision, day.year, part, day.day if precision == "day" else None)


@st.composite
def new_events(draw, drugs=DRUGS):
    type_ = draw(
        st.sampled_from(
            [
                "phase_started",
                "results_reported",
                "trial_halted",
                "ind_cleared",
                "filing_submitted",
                "filing_accepted",
                "rejected",
                "withdrawn",
                "approved",
                "designation_granted",
                "collaboration_signed",
                "discontinued",
            ]
        )
    )
    agency = draw(st.sampled_from(["FDA", "NMPA"]))
    indication = draw(st.sampled_from([None, "melanoma", "NPC"]))
    attributes = {
        "phase_started": {"phase": draw(st.sampled_from(["1", "2", "3"])), "indication": indication},
        "results_reported": {"phase": draw(st.sampled_from(["1", "2", "3"]))},
        "trial_halted": {"phase": "2"},
        "ind_cleared": {"agency": agency},
        "approved": {
            "agency": agency,
            "pathway": draw(st.sampled_from(["full", "conditional"])),
            "indication": indication,
        },
        "designation_granted": {"agency": agency, "designation": draw(st.sampled_from(["orphan", "breakthrough"]))},
        "collaboration_signed": {"partners": [draw(st.sampled_from(["P", "Q"]))]},
        "discontinued": {},
    }.get(type_, {"agency": agency, "indication": indication})
    when = draw(partial_dates())
    reported = None
    if draw(st.booleans()):
        base = when.end if when.is_known else date(2015, 1, 1)
        reported = str(PartialDate.of_day(base + timedelta(days=draw(st.integers(0, 400)))))
    return NewEvent(draw(st.sampled_from(drugs)), type_, when, attributes, reported=reported)


operations = st.lists(
    st.one_of(
        new_events().map(lambda e: ("append", e)),
        st.integers(0, 30).map(lambda k: ("retract", k)),
        st.tuples(st.integers(0, 30), partial_dates()).map(lambda t: ("correct", *t)),
        st.just(("alias", "A1", "A")),
    ),
    min_size=1,
    max_size=25,
)


def fresh_store():
    store = eventstore.open_store("sqlite://")
    store.initialize()
    return store


def apply(store, ops, after_each=None):
    """Apply operations, skipping those that no longer make sense (a retraction of a
    retracted event, a second alias)."""
    live: list[str] = []
    for op in ops:
        if op[0] == "append":
            live.append(store.append([op[1]])[0].id)
        elif op[0] == "alias" and store.aliases().resolve("A1") != "A":
            store.add_alias("A1", "A", merge=True)
        elif op[0] in ("retract", "correct") and live:
            target = live.pop(op[1] % len(live))
            if op[0] == "retract":
                store.retract(target, "wrong")
            else:
                old = store.get(target)
                when = (
                    op[2]
                    if not (op[2].is_known and old.reported.is_known and op[2].start > old.reported.end)
                    else old.date
                )
                live.append(
                    store.correct(
                        target, "date", NewEvent(old.stream, old.type, when, old.attributes, reported=old.reported)
                    )[1].id
                )
        if after_each:
            after_each(store)
    return store


# The oracle's own reading of docs/status.md: nothing below calls the status module.
LADDER = ["preclinical", "1", "1b", "1/2", "2", "2a", "2b", "2/3", "3", "filed", "approved"]
LIFE_ORDER = [  # "the order a drug's life runs"
    "collaboration_signed", "acquired", "ind_filed", "ind_cleared", "phase_started", "results_reported",
    "phase_completed", "trial_halted", "designation_granted", "filing_submitted", "filing_accepted", "rejected",
    "approved", "launched", "withdrawn", "discontinued",
]  # fmt: skip
TRIAL = {"phase_started", "results_reported", "phase_completed", "trial_halted"}
FILING_STATE = {"filing_submitted": "submitted", "filing_accepted": "accepted", "rejected": "rejected",
                "withdrawn": "withdrawn", "approved": "approved"}  # fmt: skip
CLINICAL_TYPES = {"ind_filed", "ind_cleared", "phase_started", "results_reported", "phase_completed", "trial_halted"}


def oracle_stage(f) -> str | None:
    a = f.attributes
    if f.type in TRIAL:
        return "approved" if a.get("phase") == "4" else a.get("phase")
    if f.type in ("ind_filed", "ind_cleared"):
        return "preclinical"
    if f.type in ("filing_submitted", "filing_accepted", "rejected", "withdrawn"):
        return None if a.get("application", "").upper() in ("IND", "CTA") else "filed"
    return "approved" if f.type in ("approved", "launched") else None


def oracle_status(drug: str, folded: list[tuple], day: date) -> dict:
    """The fold of docs/status.md over (event, certain, last day) in fold order."""
    higher = lambda now, stage: stage if now is None or LADDER.index(stage) > LADDER.index(now) else now  # noqa: E731
    status = {"drug": drug, "highest_phase": None, "highest_phase_by_indication": {}, "halted": False,
              "discontinued": False, "last_event": None}  # fmt: skip
    regulatory: dict = {}
    designations: dict = {}
    partners: list[str] = []
    last_clinical: dict = {}
    for f, certain, last_day in folded:
        a = f.attributes
        stage = oracle_stage(f)
        if stage:
            status["highest_phase"] = higher(status["highest_phase"], stage)
            if a.get("indication"):
                by = status["highest_phase_by_indication"]
                by[a["indication"]] = higher(by.get(a["indication"]), stage)
        if f.type in FILING_STATE and a.get("application", "").upper() not in ("IND", "CTA"):
            key = (a.get("agency"), a.get("indication"))
            pending = regulatory.get((key[0], None))
            if (
                key[1] is not None
                and key not in regulatory
                and pending
                and pending["state"] in ("submitted", "accepted")
            ):
                regulatory[key] = {**regulatory.pop((key[0], None)), "indication": key[1]}
            entry = regulatory.setdefault(key, {"agency": key[0], "indication": key[1], "state": None})
            new = FILING_STATE[f.type]
            kept = (entry["state"] == "approved" and new not in ("approved", "withdrawn")) or (
                entry["state"] == "accepted" and new == "submitted"
            )
            state = entry["state"] if kept else new
            if state != entry["state"] or f.type == "approved":
                entry.update(state=state, pathway=a.get("pathway") if state == "approved" else None,
                             application=a.get("application", entry.get("application")), date=f.date.to_json(),
                             certain=certain, event_id=f.id)  # fmt: skip
        if f.type == "designation_granted":
            key = (a.get("designation"), a.get("agency"), a.get("indication"))
            designations.setdefault(key, dict(zip(("designation", "agency", "indication"), key),
                                              date=f.date.to_json(), certain=certain))  # fmt: skip
        if f.type in ("collaboration_signed", "acquired"):
            partners += [p for p in a.get("partners", []) if p not in partners]
        if f.type == "trial_halted":
            status["halted"] = True
        elif f.type in ("ind_cleared", "phase_started"):
            status["halted"] = False
        if f.type == "discontinued":
            status["discontinued"] = True
        elif f.type in ("phase_started", "filing_submitted", "filing_accepted", "approved"):
            status["discontinued"] = False
        if f.type in CLINICAL_TYPES:
            for key in {None, a.get("indication")}:
                last_clinical[key] = max(last_clinical.get(key, date.min), last_day)
        status["last_event"] = {"id": f.id, "type": f.type, "date": f.date.to_json(),
                                "summary": describe(f.type, a), "certain": certain}  # fmt: skip
    quiet = []
    if not status["discontinued"]:
        for key, last in sorted(last_clinical.items(), key=lambda kv: kv[0] or ""):
            stage = status["highest_phase"] if key is None else status["highest_phase_by_indication"].get(key)
            if (day - last).days > 730 and (stage is None or LADDER.index(stage) < LADDER.index("filed")):
                quiet.append({"indication": key, "last_clinical_event": last.isoformat()})
    by_agency = sorted(regulatory.values(), key=lambda e: (e["agency"] or "", e["indication"] or ""))
    return {**status, "regulatory": by_agency, "designations": list(designations.values()), "partners": partners,
            "no_development_reported": quiet}  # fmt: skip


def oracle(log, drug, as_of, known_at, recorded_by):
    """Brute force: filter every fact of the log by the three clocks, day by day, then
    fold by docs/status.md."""
    facts = [f for f in log if recorded_by is None or f.recorded <= recorded_by]
    aliases = {f.stream: f.data["canonical"] for f in facts if f.type == "alias"}
    canonical = aliases.get(drug, drug)
    retracted = {f.retracts for f in facts if f.kind == "retraction"}  # under --known-at too
    day = as_of or TODAY
    kept = []
    for f in facts:
        if f.kind != "event" or aliases.get(f.stream, f.stream) != canonical or f.id in retracted:
            continue
        # The generated events carry no source, so no two are one fact told twice.
        assert f.source is None
        if known_at is not None:
            public = f.reported.end if f.reported.is_known else f.recorded.date()
            if public > known_at:
                continue
        if f.date.is_known:
            start, end = f.date.interval
            days = [start + timedelta(n) for n in range((end - start).days + 1)]
            if all(d > day for d in days):
                continue
            kept.append((f, all(d <= day for d in days), end))
        else:
            last = f.reported.end if f.reported.is_known else f.recorded.date()
            kept.append((f, last <= day, last))

    def order(item):
        f, _, last_day = item
        content = tuple(sorted((k, v if isinstance(v, str) else repr(v)) for k, v in f.attributes.items()))
        first = f.date.interval[0].toordinal() if f.date.is_known else 0
        return (first, last_day.toordinal(), LIFE_ORDER.index(f.type), content, f.position)

    kept.sort(key=order)
    return [(f.id, certain) for f, certain, _ in kept], oracle_status(canonical, kept, day)


def without_ids(value):
    if isinstance(value, dict):
        return {k: without_ids(v) for k, v in value.items() if k not in ("id", "event_id", "drug")}
    if isinstance(value, list):
        return [without_ids(v) for v in value]
    return value


cutoff_dates = st.one_of(st.none(), st.dates(date(2014, 6, 1), date(2021, 6, 1)))


def edge_days(log, drug):
    """Every first and last day of the drug's events and reports, and a day either side:
    where the certain/possible/absent rules have their edges."""
    days = set()
    for f in log:
        if f.kind == "event" and drug in (f.stream, "A"):
            for when in (f.date, f.reported):
                if when.is_known:
                    days |= {when.start + timedelta(o) for o in (-1, 0)} | {when.end + timedelta(o) for o in (0, 1)}
    return sorted(days)


def check_against_oracle(store, log, drug, as_of, known_at, recorded_by):
    cutoffs = Cutoffs(as_of=as_of, known_at=known_at, recorded_by=recorded_by)
    timeline = [(v.event.id, v.certain) for v in queries.timeline(store, drug, cutoffs, today=TODAY)]
    status = queries.drug_status(store, drug, cutoffs, today=TODAY).to_json()
    assert (timeline, status) == oracle(log, drug, as_of, known_at, recorded_by), cutoffs


@PROPERTY_SETTINGS
@given(
    operations,
    st.lists(
        st.tuples(st.sampled_from(DRUGS), cutoff_dates, cutoff_dates, st.one_of(st.none(), st.integers(0, 40))),
        min_size=1,
        max_size=4,
    ),
)
def test_every_answer_equals_the_brute_force_oracle(ops, questions):
    store = apply(fresh_store(), ops)
    log = list(store.read_from(1))
    known_drugs = {f.stream for f in log} | {f.data["canonical"] for f in log if f.type == "alias"}
    for drug, as_of, known_at, at_fact in questions:
        if drug not in known_drugs:
            continue
        recorded_by = log[at_fact % len(log)].recorded if at_fact is not None and log else None
        check_against_oracle(store, log, drug, as_of, known_at, recorded_by)
    for drug in known_drugs:
        for day in edge_days(log, drug):
            check_against_oracle(store, log, drug, day, None, None)
            check_against_oracle(store, log, drug, None, day, None)


@PROPERTY_SETTINGS
@given(operations, st.dates(date(2014, 1, 1), date(2021, 12, 31)), st.integers(0, 900))
def test_what_is_certain_stays_certain(ops, first, gap):
    store = apply(fresh_store(), ops)
    for drug in {f.stream for f in store.read_from(1) if f.kind == "event"}:
        earlier = {v.event.id for v in queries.timeline(store, drug, Cutoffs(as_of=first)) if v.certain}
        later = {v.event.id for v in queries.timeline(store, drug, Cutoffs(as_of=first + timedelta(gap))) if v.certain}
        assert earlier <= later


@PROPERTY_SETTINGS
@given(st.lists(new_events(drugs=["A"]), min_size=1, max_size=12), st.randoms(use_true_random=False), cutoff_dates)
def test_status_does_not_depend_on_append_order(events, random, as_of):
    shuffled = list(events)
    random.shuffle(shuffled)
    answers = []
    for order in (events, shuffled):
        store = fresh_store()
        for event in order:
            store.append([event])
        answers.append(without_ids(queries.drug_status(store, "A", Cutoffs(as_of=as_of), today=TODAY).to_json()))
    assert answers[0] == answers[1]


@PROPERTY_SETTINGS
@given(st.lists(st.tuples(st.booleans(), new_events(drugs=["A"])), min_size=1, max_size=12), cutoff_dates)
def test_a_late_alias_merge_equals_the_canonical_name_from_the_start(events, as_of):
    merged, direct = fresh_store(), fresh_store()
    for under_alias, event in events:
        name = "A1" if under_alias else "A"
        merged.append([NewEvent(name, event.type, event.date, event.attributes, reported=event.reported)])
        direct.append([event])
    merged.add_alias("A1", "A", merge=True)
    assert without_ids(queries.drug_status(merged, "A", Cutoffs(as_of=as_of), today=TODAY).to_json()) == without_ids(
        queries.drug_status(direct, "A", Cutoffs(as_of=as_of), today=TODAY).to_json()
    )


@PROPERTY_SETTINGS
@given(operations, st.integers(1, 5))
def test_the_incremental_projection_equals_a_full_replay(ops, every):
    steps = itertools.count(1)
    store = apply(
        fresh_store(), ops, after_each=lambda s: projection.catch_up(s, TODAY) if next(steps) % every == 0 else None
    )
    projection.catch_up(store, TODAY)
    tables = store.projection()
    incremental = tables.load()
    assert tables.checkpoint() == store.head()[0]
    projection.rebuild(store, TODAY)
    assert tables.load() == incremental
    for drug, (status, _) in incremental.items():
        assert status == fold(drug, queries.timeline(store, drug, today=TODAY), TODAY).to_json()


@PROPERTY_SETTINGS
@given(operations, st.integers(1, 5), st.lists(new_events(drugs=["A", "A1", "B"]), max_size=4))
def test_status_is_the_full_replay_whatever_the_projection_lags(ops, every, unprojected):
    """A role that may not write the projection leaves it behind the log: the pipeline
    must still equal a fold of each drug's events."""
    steps = itertools.count(1)
    store = apply(
        fresh_store(), ops, after_each=lambda s: projection.catch_up(s, TODAY) if next(steps) % every == 0 else None
    )
    for event in unprojected:  # facts the projection has not taken in
        store.append([event])
    replayed = {s.drug: s.to_json() for s in queries.pipeline(store, Cutoffs(as_of=TODAY), today=TODAY)}
    served = {s.drug: s.to_json() for s in queries.pipeline(store, today=TODAY)}
    assert served == replayed
