"""How sure the extractor is of each event the rules propose: a logistic model over
sparse features of the candidate (its type and trigger words, the words of its clause,
where the sentence sits, where the drug and the date came from), learned from the
labelled corpus by `python -m eventstore.extract.train` and shipped as `weights.json`.

Inference is plain Python (a sum of weights and a sigmoid): no runtime dependency.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

WEIGHTS_FILE = "weights.json"
_WORD = re.compile(r"[a-z][a-z-]+")
# Words that turn what a clause states around ("did not", "failed to") or make it about something else.
_NEGATION = re.compile(r"\b(?:not|no|never|failed|fails|without|neither|nor|unless|instead|rather)\b")
_CLAUSE_WORDS_KEPT = 40  # a clause longer than this many words is cut: its end is about other things


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    """The first edge `n` is at most, else the last edge and beyond: counts as few categories."""
    for edge in edges:
        if n <= edge:
            return str(edge)
    return f">{edges[-1]}"


def _shape(name: str) -> str:
    if any(ch.isdigit() for ch in name):
        return "code"
    if name.islower():
        return "inn"
    return "upper" if name.isupper() else "capitalised"


def features(candidate: Any) -> list[str]:
    """The features of a proposed event (a `Proposed` with its cues), as strings: a
    feature joined with the event's type lets the same word weigh differently for each."""
    cues = candidate.cues
    type_ = candidate.type
    when = candidate.date
    out = [f"type={type_}", f"kind={cues.get('kind', type_)}"]
    section = (
        "headline" if cues.get("headline") else "about" if cues.get("about") else "lead" if cues.get("lead") else "body"
    )
    out += [f"section={section}", f"{type_}|section={section}"]
    precision = when.precision if when.is_known else "none"
    dated = "news" if candidate.dated_by_news else precision
    out += [f"date={dated}", f"{type_}|date={dated}"]
    reading, rules_date = cues.get("date_reading", "rules"), cues.get("rules_date", dated)
    out += [
        f"reading={reading}",
        f"{type_}|reading={reading}",
        f"{type_}|reading={reading}|rules_date={rules_date}",
        f"{section}|reading={reading}|rules_date={rules_date}",
    ]
    published = cues.get("published")
    if when.is_known and published is not None:
        years = published.year - when.start.year
        out.append(f"{type_}|years_before={_bucket(years, (0, 1, 3))}")
    subject = cues.get("subject_from", "clause")
    out += [
        f"subject={subject}",
        f"{type_}|subject={subject}",
        f"subjects={_bucket(cues.get('subjects', 1), (1, 2, 4))}",
        f"shape={_shape(candidate.drug)}",
        f"{type_}|shape={_shape(candidate.drug)}",
        f"mentions={_bucket(cues.get('mentions', 1), (1, 3, 8))}",
        f"drugs_in_text={_bucket(cues.get('drugs_in_text', 1), (1, 3, 6))}",
        f"sentence={_bucket(cues.get('sentence', 0), (0, 3, 10, 25))}",
        f"told={_bucket(cues.get('told', 1), (1, 2))}",
    ]
    if cues.get("main_drug"):
        out += ["main_drug", f"{type_}|main_drug"]
    out += [f"{type_}|has={attribute}" for attribute in sorted(candidate.attributes)]
    trigger = cues.get("trigger", "").lower()
    out += [f"{type_}|trigger={w}" for w in _WORD.findall(trigger)[:6]]
    clause = cues.get("clause", "").lower()
    words = _WORD.findall(clause)[:_CLAUSE_WORDS_KEPT]
    out += [f"word={w}" for w in sorted(set(words))]
    out += [f"{type_}|word={w}" for w in sorted(set(words))]
    before = clause.split(trigger, 1)[0] if trigger else ""
    out += [f"before_trigger={w}" for w in _WORD.findall(before)[-3:]]
    if _NEGATION.search(clause):
        out += ["negated", f"{type_}|negated"]
    return out


@dataclass(frozen=True)
class Linear:
    """A logistic model: a bias and a weight per feature (a missing feature weighs 0)."""

    bias: float
    weights: dict[str, float]

    def probability(self, features: list[str]) -> float:
        z = self.bias + sum(self.weights.get(f, 0.0) for f in features)
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def to_json(self) -> dict[str, Any]:
        return {"bias": self.bias, "weights": dict(sorted(self.weights.items()))}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Linear:
        return cls(float(data["bias"]), {k: float(v) for k, v in data["weights"].items()})


@dataclass(frozen=True)
class Model:
    """The two learned decisions and the thresholds chosen on leave-one-slice-out figures:
    which words of a text name drugs, and how likely each proposed event is stated as done."""

    names: Linear
    events: Linear
    emit_threshold: float  # below this an event is not proposed at all (best F1 on texts left out)
    ingest_threshold: float  # at or above this `ingest --yes` appends without asking (precision ≥ target)

    def confidence(self, candidate: Any) -> float:
        return self.events.probability(features(candidate))

    def to_json(self) -> dict[str, Any]:
        return {
            "names": self.names.to_json(),
            "events": self.events.to_json(),
            "emit_threshold": self.emit_threshold,
            "ingest_threshold": self.ingest_threshold,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Model:
        return cls(
            Linear.from_json(data["names"]),
            Linear.from_json(data["events"]),
            float(data["emit_threshold"]),
            float(data["ingest_threshold"]),
        )


def dumps(model: Model) -> str:
    """The weights file's text: sorted and rounded, so that one training run gives one file."""
    return json.dumps(model.to_json(), indent=0, sort_keys=True, ensure_ascii=False) + "\n"


@lru_cache(maxsize=1)
def shipped() -> Model:
    """The model shipped with the package."""
    text = resources.files(__package__).joinpath(WEIGHTS_FILE).read_text(encoding="utf-8")
    return Model.from_json(json.loads(text))
