"""The labelled news corpus (texts and gold events, in slices) and the one way an
extracted event is matched with a gold one, as the corpus's SCHEMA.md says: the same
drug (any name the gold gives it, case-insensitive), the same type, and the same date at
the gold date's precision (both unknown also matches); duplicates on that key count once.

Training labels (model.py) and the benchmark's scores (bench/extraction.py) both come
from `align`, so what the model learns to keep is exactly what the score counts.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..dates import PartialDate

ATTRIBUTES = ("phase", "agency", "pathway", "application", "designation")


@dataclass(frozen=True)
class Text:
    slice: str
    id: str
    text: str
    published: date
    gold: dict[str, Any]


def slices(root: Path) -> list[str]:
    """The slices of a corpus: its folders that hold a gold.jsonl, in name order."""
    return sorted(p.name for p in root.iterdir() if (p / "gold.jsonl").is_file())


def texts(root: Path, names: list[str] | None = None) -> Iterator[Text]:
    for name in names or slices(root):
        folder = root / name
        for line in (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                gold = json.loads(line)
                yield Text(
                    name,
                    gold["id"],
                    (folder / gold["text_file"]).read_text(encoding="utf-8"),
                    date.fromisoformat(gold["published"]),
                    gold,
                )


def same_date(extracted: PartialDate, gold: str | None) -> bool:
    if gold is None:
        return not extracted.is_known
    if not extracted.is_known:
        return False
    low, high = PartialDate.parse(gold).interval
    return low <= extracted.start and extracted.end <= high


def matches(gold: dict[str, Any], event: Any) -> bool:
    """Whether an event matches any gold event of its text (a training label)."""
    names = {name.casefold(): canonical for canonical, others in gold["drugs"].items() for name in [canonical, *others]}
    drug = names.get(event.drug.casefold())
    return any(
        g["drug"] == drug and g["type"] == event.type and same_date(event.date, g["date"]) for g in gold["events"]
    )


@dataclass
class Alignment:
    """Which proposed events of one text match a gold event."""

    matched: list[bool]  # one per proposed event: True where it matches a gold event
    duplicate: list[bool]  # one per proposed event: its key was proposed before
    gold_of: list[dict[str, Any] | None]  # the gold event each matched one stands for
    missed: list[dict[str, Any]]  # gold events nothing matched
    forward: list[bool]  # unmatched ones that match an expected (forward-looking) milestone
    counts: Counter = field(default_factory=Counter)


def align(gold: dict[str, Any], proposed: list) -> Alignment:
    """Match proposed events (anything with drug, type and date) to the gold events of one
    text, in the order proposed; each gold event is matched at most once."""
    names = {name.casefold(): canonical for canonical, others in gold["drugs"].items() for name in [canonical, *others]}
    seen: set[tuple] = set()
    unmatched = list(gold["events"])
    result = Alignment([], [], [], [], [])
    for p in proposed:
        drug = names.get(p.drug.casefold(), p.drug.casefold())
        key = (drug, p.type, p.date.to_json())
        duplicate = key in seen
        seen.add(key)
        match = (
            None
            if duplicate
            else next(
                (g for g in unmatched if g["drug"] == drug and g["type"] == p.type and same_date(p.date, g["date"])),
                None,
            )
        )
        if match is not None:
            unmatched.remove(match)
        result.matched.append(match is not None)
        result.duplicate.append(duplicate)
        result.gold_of.append(match)
        result.forward.append(
            match is None
            and not duplicate
            and any(
                g["drug"] == drug and g["type"] == p.type and same_date(p.date, g["date"])
                for g in gold.get("expected", [])
            )
        )
    result.missed = unmatched
    c = result.counts
    c["tp"] = sum(result.matched)
    c["fp"] = sum(not m and not d for m, d in zip(result.matched, result.duplicate))
    c["fn"] = len(unmatched)
    c["forward-looking emitted"] = sum(result.forward)
    for p, g in zip(proposed, result.gold_of):
        for attribute in ATTRIBUTES:
            if g is not None and attribute in g:
                c[f"{attribute} total"] += 1
                c[f"{attribute} right"] += p.attributes.get(attribute) == g[attribute]
    return result


def prf(counts: Counter) -> tuple[float, float, float]:
    """Precision, recall and F1 of summed counts."""
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)
