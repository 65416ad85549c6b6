"""What every primary-source importer produces, and how it lands in the store: one
transaction per source record, names linked through the alias registry, events keyed so
that importing the same record twice stores nothing and a newer record supersedes what
changed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..aliases import AliasRegistry
from ..dates import PartialDate
from ..errors import MilestonesError
from ..events import ALIAS, EXPECTATION, RETRACTION, NewEvent
from ..expectations import NewExpectation, Window
from ..extract.names import looks_like_inn
from ..store.base import EventStore, PendingFact

_MARKS = re.compile(r"[®™©]")


class ForeignRecord(MilestonesError):
    """A file that is not of the format the importer reads."""


def clean_name(name: str) -> str:
    """Trademark signs off, whitespace folded: `KEYTRUDA®` → `KEYTRUDA`."""
    return " ".join(_MARKS.sub("", name).split())


@dataclass
class Drug:
    """One drug of a record under all the names the record gives it."""

    names: list[str]

    def canonical(self, registry: AliasRegistry, known: set[str]) -> str:
        """The store's name for it when the store knows any of its names; else the INN
        where one can be told, else the record's own first name."""
        for name in self.names:
            resolved = registry.resolve(name)
            if resolved != name or name in known:
                return resolved
        inn = [
            n
            for n in self.names
            if (" " not in n.strip() and looks_like_inn(n))
            or (len(n.split()) == 2 and looks_like_inn(n.split()[0]) and not any(c.isdigit() for c in n))
        ]
        return (inn or self.names)[0]


@dataclass
class ImportedEvent:
    drug: Drug
    event: NewEvent  # its drug is a placeholder: replaced by the drug's canonical name
    key: str  # identity within the source; a changed value under the same key supersedes
    value: str  # what may change between two versions of the record (the date, the state)


@dataclass
class ImportedExpectation:
    """What a record only expects (an ESTIMATED date): an expected milestone, revised
    when a newer version of the record moves it."""

    drug: Drug
    expects: str
    window: PartialDate
    attributes: dict
    key: str


@dataclass
class Record:
    """What one source record says: its events, and what it only expects."""

    source: str
    drugs: list[Drug] = field(default_factory=list)
    events: list[ImportedEvent] = field(default_factory=list)
    expected: list[ImportedExpectation] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    source: str
    stored: int = 0
    present: int = 0
    superseded: int = 0
    expected: int = 0  # expected milestones recorded or revised
    skipped: list[str] = field(default_factory=list)


def land(store: EventStore, records: list[Record], prefix: str) -> list[Outcome]:
    """Append records' facts in one transaction: aliases linking each drug's names,
    retractions of events an earlier version of a record stated differently, then the
    events, keyed so that the same record imported twice stores nothing."""
    registry = store.aliases()
    known = set(store.streams())
    facts: list[PendingFact] = []
    owners: list[int] = []  # which record each fact came from
    superseded = [0] * len(records)
    for index, record in enumerate(records):
        canonical = {id(d): d.canonical(registry, known) for d in record.drugs}
        with_events = {id(item.drug) for item in record.events} | {id(item.drug) for item in record.expected}
        for drug in (d for d in record.drugs if id(d) in with_events):  # no drug enters on names alone
            target = canonical[id(drug)]
            for name in drug.names:
                if name != target and registry.resolve(name) != target:
                    facts.append(PendingFact(stream=name, type=ALIAS, data={"canonical": target}))
                    owners.append(index)
                    registry = registry.with_alias(name, target)
        earlier = store.keyed_events(f"{prefix}:{record.source}:")
        for item in record.events:
            key = f"{prefix}:{record.source}:{item.key}:{canonical[id(item.drug)]}"
            full_key = f"{key}={item.value}"
            for old_key, old_id in earlier.items():
                if old_key.startswith(key + "=") and old_key != full_key:
                    facts.append(
                        PendingFact(
                            stream="",
                            type=RETRACTION,
                            retracts=old_id,
                            data={"reason": f"superseded by a newer record of {record.source}"},
                        )
                    )
                    owners.append(index)
                    superseded[index] += 1
            e = item.event
            event = NewEvent(
                canonical[id(item.drug)],
                e.type,
                e.date,
                e.attributes,
                source=e.source,
                quote=e.quote,
                reported=e.reported,
                note=e.note,
                idempotency_key=full_key,
            )
            event.check_not_future()
            facts.append(PendingFact.of(event, event.drug))
            owners.append(index)
        for expected in record.expected:
            expectation = NewExpectation(
                canonical[id(expected.drug)],
                expected.expects,
                Window.parse(str(expected.window)),
                expected.attributes,
                source=record.source,
                reason=f"ESTIMATED in the registry record {record.source}",
            )
            facts.append(
                PendingFact(
                    stream=expectation.drug,
                    type=EXPECTATION,
                    data=expectation.data(),
                    idempotency_key=f"{prefix}:{record.source}:{expected.key}:{expectation.drug}={expected.window}",
                )
            )
            owners.append(index)
    created = store.import_facts(facts)
    outcomes = [Outcome(r.source, superseded=superseded[i], skipped=r.skipped) for i, r in enumerate(records)]
    for fact, owner, new in zip(facts, owners, created):
        if fact.type == EXPECTATION:
            outcomes[owner].expected += new
        elif fact.type not in (ALIAS, RETRACTION):
            if new:
                outcomes[owner].stored += 1
            else:
                outcomes[owner].present += 1
    return outcomes
