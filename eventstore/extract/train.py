"""Learn the extractor's confidence model from the labelled corpus and write the weights
shipped with the package. Needs scikit-learn (`pip install -e '.[train]'`):

    python -m eventstore.extract.train [--corpus ../shared/corpus] [--out eventstore/extract/weights.json]

Two models: every word of a text that could name a drug is a name candidate, labelled by
the gold's drug names; every event the rules propose (with the names the name model adds)
is an event candidate, labelled by `corpus.align` (it matches a gold event or not).
Thresholds are chosen on leave-one-slice-out scores: each slice scored by a model trained
on the other slices. The same corpus gives the same file.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import Extraction, candidates, date_options, scored
from .corpus import Text, align, matches, prf, texts
from .mentions import name_candidates
from .model import WEIGHTS_FILE, Linear, Model, dumps, features
from .names import build_lexicon
from .text import sentences

# scikit-learn's C for each model: smaller keeps weights small, for the few hundred texts we have.
NAME_REGULARISATION = 0.3
EVENT_REGULARISATION = 0.1
# A feature seen in fewer training candidates than this gets no weight: rarer ones are noise,
# and would make the shipped file large.
NAME_MIN_COUNT = 12
EVENT_MIN_COUNT = 3
TARGET_PRECISION = 0.95  # what `ingest --yes` must reach, on texts left out, at its threshold
WEIGHT_DIGITS = 4  # decimals kept in the shipped file: smaller, and the same from run to run
DEFAULT_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


@dataclass
class Read:
    """A corpus text, what the rules proposed for it (with some name model), and its gold."""

    text: Text
    extraction: Extraction

    @property
    def slice(self) -> str:
        return self.text.slice

    @property
    def gold(self) -> dict[str, Any]:
        return self.text.gold


def read(corpus: list[Text], names: Linear | None) -> list[Read]:
    return [Read(t, candidates(t.text, t.published, names)) for t in corpus]


def name_examples(corpus: list[Text]) -> list[tuple[str, list[str], bool]]:
    """(slice, features, is a drug's name) for every word of every text that could name a drug."""
    out = []
    for t in corpus:
        parts = [s.text for s in sentences(t.text)]
        known = {n.casefold() for d in build_lexicon(parts).drugs for n in d.names}
        gold = {n.casefold() for canonical, others in t.gold["drugs"].items() for n in [canonical, *others]}
        out += [(t.slice, f, name.casefold() in gold) for name, f in name_candidates(parts, known).items()]
    return out


def event_examples(reads: list[Read]) -> list[tuple[str, Any, bool]]:
    """(slice, event, matches a gold event) for every reading of the date of every event
    proposed, once for each drug, type and date in a text (the score counts a key once)."""
    out = []
    for r in reads:
        seen = set()
        for event in r.extraction.events:
            for option in date_options(event, r.extraction.news_day):
                key = (option.drug.casefold(), option.type, option.date)
                if key not in seen:
                    seen.add(key)
                    out.append((r.slice, option, matches(r.gold, option)))
    return out


def fit(rows: list[list[str]], labels: list[bool], regularisation: float, min_count: int) -> Linear:
    """A logistic model over sparse binary features."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    seen = Counter(f for row in rows for f in set(row))
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform([{f: 1 for f in row if seen[f] >= min_count} for row in rows])
    learner = LogisticRegression(C=regularisation, max_iter=5000, solver="lbfgs")
    learner.fit(matrix, labels)
    weights = {name: round(float(w), WEIGHT_DIGITS) for name, w in zip(vectorizer.feature_names_, learner.coef_[0])}
    return Linear(round(float(learner.intercept_[0]), WEIGHT_DIGITS), {k: w for k, w in weights.items() if w})


def fit_names(examples: list[tuple[str, list[str], bool]], leave_out: str | None = None) -> Linear:
    kept = [(f, label) for name, f, label in examples if name != leave_out]
    return fit([f for f, _ in kept], [label for _, label in kept], NAME_REGULARISATION, NAME_MIN_COUNT)


def fit_events(reads: list[Read], leave_out: str | None = None) -> Linear:
    kept = [(features(e), label) for name, e, label in event_examples(reads) if name != leave_out]
    return fit([f for f, _ in kept], [label for _, label in kept], EVENT_REGULARISATION, EVENT_MIN_COUNT)


def left_out(corpus: list[Text], progress: Callable[[str], None] = lambda _: None) -> list[Read]:
    """Each slice read and scored by models trained without it: its events carry the
    confidence of an event model, and its names the choices of a name model, that never
    saw the slice."""
    names = name_examples(corpus)
    out: list[Read] = []
    for name in sorted({t.slice for t in corpus}):
        progress(name)
        reads = read(corpus, fit_names(names, leave_out=name))
        events = fit_events(reads, leave_out=name)
        for r in reads:
            if r.slice == name:
                r.extraction.events = scored(r.extraction, events, 0.0)
                out.append(r)
    return out


def score_at(reads: list[Read], threshold: float) -> Counter:
    """Summed counts (tp, fp, fn, …) over texts, keeping events at or above a threshold."""
    total: Counter = Counter()
    for r in reads:
        total.update(align(r.gold, [e for e in r.extraction.events if (e.confidence or 0.0) >= threshold]).counts)
    return total


def choose_thresholds(reads: list[Read]) -> tuple[float, float]:
    """The threshold with the best F1, and the lowest one whose precision reaches the target."""
    grid = [round(i / 100, 2) for i in range(1, 100)]
    scored = {t: score_at(reads, t) for t in grid}
    emit = max(grid, key=lambda t: (round(prf(scored[t])[2], 4), -t))
    ingest = next((t for t in grid if prf(scored[t])[0] >= TARGET_PRECISION and scored[t]["tp"] > 0), grid[-1])
    return emit, ingest


def train(root: Path, progress: Callable[[str], None] = lambda _: None) -> tuple[Model, list[Read]]:
    """The model to ship (trained on every slice, thresholds from the left-out scores),
    and the left-out reads behind the thresholds."""
    corpus = list(texts(root))
    held_out = left_out(corpus, progress)
    emit, ingest = choose_thresholds(held_out)
    names = fit_names(name_examples(corpus))
    events = fit_events(read(corpus, names))
    return Model(names, events, emit, ingest), held_out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="the labelled corpus (its slices)")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name(WEIGHTS_FILE))
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        sys.exit(f"no corpus at {args.corpus}: give --corpus")
    model, held_out = train(args.corpus, lambda name: print(f"leaving out {name}", file=sys.stderr))
    args.out.write_text(dumps(model), encoding="utf-8")
    for label, threshold in (("emit", model.emit_threshold), ("ingest", model.ingest_threshold)):
        p, r, f = prf(score_at(held_out, threshold))
        print(f"{label} threshold {threshold:.2f}: left-out precision {p:.3f} recall {r:.3f} F1 {f:.3f}")
    print(
        f"{len(model.names.weights)} name weights and {len(model.events.weights)} event weights written to {args.out}"
    )


if __name__ == "__main__":
    main()
