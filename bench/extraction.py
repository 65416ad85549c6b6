"""Scores the news extractor on every slice of the labelled corpus, exactly as its
SCHEMA.md says (eventstore/extract/corpus.py holds the matching), and times it. Run by
hand (scikit-learn is needed for the left-out table: `pip install -e '.[train]'`):

    python bench/extraction.py [--corpus ../shared/corpus] [--show-errors SLICE] [--skip-left-out]

Three tables:
- **left out** (the figure that counts): each slice scored by models trained without it
  (names and events), at the thresholds the shipped model carries;
- **shipped**: each slice scored by the shipped model, which was trained on every slice
  (so these figures are in-sample, shown for comparison only);
- **rules alone**: every candidate the rules propose, no model.

The rules were written on train/ and valid/ only, so on the other fifteen slices the
left-out figure is news that shaped nothing: the lead figure is the micro F1 over those.
Precision is also shown at the ingest threshold (what `ingest --yes` appends unasked).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from eventstore.extract import candidates, extract
from eventstore.extract.corpus import ATTRIBUTES, Text, align, prf, texts
from eventstore.extract.model import shipped

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
RULE_SLICES = ("train", "valid")  # the slices the rules were written on: in-sample for them
SPEED_PASSES = 3


def _row(name: str, counts: Counter) -> str:
    p, r, f = prf(counts)
    attributes = sum(counts[f"{a} right"] for a in ATTRIBUTES) / max(1, sum(counts[f"{a} total"] for a in ATTRIBUTES))
    return (
        f"  {name:<13}{p:>7.3f}{r:>7.3f}{f:>7.3f}{attributes:>7.3f}{counts['forward-looking emitted']:>5}"
        f"{counts['tp']:>6}{counts['fp']:>6}{counts['fn']:>6}"
    )


def _table(title: str, per_slice: dict[str, Counter]) -> float:
    print(f"\n{title}")
    print(f"  {'slice':<13}{'P':>7}{'R':>7}{'F1':>7}{'attr':>7}{'fwd':>5}{'tp':>6}{'fp':>6}{'fn':>6}")
    for name, counts in per_slice.items():
        print(_row(name, counts))
    unseen = sum((c for n, c in per_slice.items() if n not in RULE_SLICES), Counter())
    everything = sum(per_slice.values(), Counter())
    print(_row("unseen (15)", unseen))
    print(_row("all (17)", everything))
    return prf(unseen)[2]


def _score(corpus: list[Text], events_of, errors_for: str | None) -> dict[str, Counter]:
    per_slice: dict[str, Counter] = {}
    for t in corpus:
        events = events_of(t)
        a = align(t.gold, events)
        per_slice.setdefault(t.slice, Counter()).update(a.counts)
        if t.slice == errors_for:
            for e, matched, duplicate in zip(events, a.matched, a.duplicate):
                if not matched and not duplicate:
                    print(
                        f"  FP {t.id}: {e.drug} {e.type} {e.date.to_json()} ({e.confidence or 0:.2f}) | {e.quote[:150]}"
                    )
            for g in a.missed:
                print(f"  FN {t.id}: {g['drug']} {g['type']} {g['date']}")
    return per_slice


def _speed(corpus: list[Text]) -> None:
    passes = []
    for _ in range(SPEED_PASSES):
        start = time.perf_counter()
        for t in corpus:
            extract(t.text, t.published)
        passes.append(time.perf_counter() - start)
    best = min(passes)
    print(
        f"\nspeed: {len(corpus) / best:,.0f} texts/s ({best * 1000 / len(corpus):.1f} ms a text, one core, best of "
        f"{SPEED_PASSES} passes over {len(corpus)} texts; first pass {len(corpus) / passes[0]:,.0f} texts/s; "
        f"target >= 100)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--show-errors",
        metavar="SLICE",
        help="list false positives and negatives of one slice (left out, else shipped)",
    )
    parser.add_argument("--skip-left-out", action="store_true", help="no training: the shipped model only")
    args = parser.parse_args()
    corpus = list(texts(args.corpus))
    model = shipped()
    print(f"{len(corpus)} texts; thresholds: emit {model.emit_threshold:.2f}, ingest {model.ingest_threshold:.2f}")
    lead = None
    if not args.skip_left_out:
        from eventstore.extract.train import left_out, score_at

        held_out = left_out(corpus, lambda name: print(f"  training without {name}…", file=sys.stderr))
        by_text = {r.text.id: r for r in held_out}
        lead = _table(
            f"left out, at the emit threshold {model.emit_threshold:.2f} (each slice by models trained without it)",
            _score(
                corpus,
                lambda t: [e for e in by_text[t.id].extraction.events if (e.confidence or 0) >= model.emit_threshold],
                args.show_errors,
            ),
        )
        for name, threshold in (("emit", model.emit_threshold), ("ingest", model.ingest_threshold)):
            unseen = [r for r in held_out if r.slice not in RULE_SLICES]
            for label, reads in (("unseen", unseen), ("all", held_out)):
                p, r, f = prf(score_at(reads, threshold))
                print(f"  {name} threshold {threshold:.2f}, {label}: precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}")
    _table(
        "shipped model (trained on every slice: in-sample)",
        _score(corpus, lambda t: extract(t.text, t.published).events, None if lead is not None else args.show_errors),
    )
    _table(
        "rules alone (every candidate, no model)",
        _score(corpus, lambda t: candidates(t.text, t.published).events, None),
    )
    _speed(corpus)
    if lead is not None:
        print(f"\nleave-one-slice-out micro F1 on the 15 slices the rules never saw: {lead:.3f}")


if __name__ == "__main__":
    main()
