"""Scores the news extractor on the corpus exactly as its SCHEMA.md says, on train (to
develop on) and valid (to measure on), and times it. Run by hand:

    python bench/extraction.py [--corpus ../shared/corpus] [--show-errors valid]

An extracted event matches a gold event when the drug is the same (any of the gold
drug's names, case-insensitive), the type is the same, and the date is the same at the
gold date's precision (both unknown also matches); duplicates on that key count once.
Precision, recall and F1 are micro-averaged over all texts; attribute accuracy (phase,
agency, pathway, application, designation) is over matched events. Forward-looking
statements wrongly emitted are extracted events that match a gold expected milestone
and no gold event.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from datetime import date
from pathlib import Path

from eventstore.dates import PartialDate
from eventstore.extract import extract

ATTRIBUTES = ("phase", "agency", "pathway", "application", "designation")


def same_date(extracted: PartialDate, gold: str | None) -> bool:
    if gold is None:
        return not extracted.is_known
    if not extracted.is_known:
        return False
    low, high = PartialDate.parse(gold).interval
    return low <= extracted.start and extracted.end <= high


def score_text(gold: dict, proposed, counts: Counter, per_type: dict, errors: list | None) -> None:
    names = {}
    for canonical, others in gold["drugs"].items():
        for name in [canonical, *others]:
            names[name.casefold()] = canonical
    seen_keys = set()
    extracted = []
    for p in proposed.events:
        drug = names.get(p.drug.casefold(), p.drug.casefold())
        key = (drug, p.type, p.date.to_json())
        if key not in seen_keys:
            seen_keys.add(key)
            extracted.append((drug, p))
    unmatched_gold = list(gold["events"])
    for drug, p in extracted:
        match = next((g for g in unmatched_gold if g["drug"] == drug and g["type"] == p.type
                      and same_date(p.date, g["date"])), None)
        if match is not None:
            unmatched_gold.remove(match)
            counts["tp"] += 1
            per_type[p.type]["tp"] += 1
            for attribute in ATTRIBUTES:
                if attribute in match:
                    counts[f"{attribute} total"] += 1
                    counts[f"{attribute} right"] += p.attributes.get(attribute) == match[attribute]
        else:
            counts["fp"] += 1
            per_type[p.type]["fp"] += 1
            if any(g["drug"] == drug and g["type"] == p.type and same_date(p.date, g["date"])
                   for g in gold.get("expected", [])):
                counts["forward-looking emitted"] += 1
            if errors is not None:
                errors.append(f"  FP {gold['id']}: {p.drug} {p.type} {p.date.to_json()} | {p.quote[:150]}")
    for g in unmatched_gold:
        counts["fn"] += 1
        per_type[g["type"]]["fn"] += 1
        if errors is not None:
            errors.append(f"  FN {gold['id']}: {g['drug']} {g['type']} {g['date']}")


def f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def evaluate(folder: Path, show_errors: bool) -> None:
    golds = [json.loads(line) for line in (folder / "gold.jsonl").read_text().splitlines() if line.strip()]
    counts: Counter = Counter()
    per_type: dict[str, Counter] = {}
    errors: list[str] | None = [] if show_errors else None
    texts = [(g, (folder / g["text_file"]).read_text(encoding="utf-8")) for g in golds]
    passes = []
    for _ in range(5):  # the best of five passes: the machine is shared; the first is shown too
        start = time.perf_counter()
        results = [extract(text, date.fromisoformat(g["published"])) for g, text in texts]
        passes.append(time.perf_counter() - start)
    seconds = min(passes)
    for (g, _), result in zip(texts, results):
        for type_ in {e["type"] for e in g["events"]} | {p.type for p in result.events}:
            per_type.setdefault(type_, Counter())
        score_text(g, result, counts, per_type, errors)
    p, r, f = f1(counts["tp"], counts["fp"], counts["fn"])
    print(f"\n{folder.name}: {len(golds)} texts, {counts['tp'] + counts['fn']} gold events")
    print(f"  precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}   "
          f"(tp {counts['tp']}, fp {counts['fp']}, fn {counts['fn']})")
    print(f"  forward-looking statements emitted as events: {counts['forward-looking emitted']}")
    accuracy = ", ".join(f"{a} {counts[a + ' right']}/{counts[a + ' total']}" for a in ATTRIBUTES)
    print(f"  attribute accuracy on matched events: {accuracy}")
    print(f"  speed: {len(texts) / seconds:,.0f} texts/s ({seconds * 1000 / len(texts):.1f} ms a text, one core, "
          f"best of 5 passes; first pass {len(texts) / passes[0]:,.0f} texts/s; target >= 100)")
    print(f"  {'type':<22}{'tp':>5}{'fp':>5}{'fn':>5}{'P':>7}{'R':>7}{'F1':>7}")
    for type_, c in sorted(per_type.items()):
        tp, fp, fn = c["tp"], c["fp"], c["fn"]
        print(f"  {type_:<22}{tp:>5}{fp:>5}{fn:>5}" + "".join(f"{x:>7.2f}" for x in f1(tp, fp, fn)))
    if errors:
        print("\n".join(errors))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path,
                        default=Path(__file__).resolve().parent.parent.parent / "shared" / "corpus")
    parser.add_argument("--show-errors", choices=["train", "valid"], help="list false positives and negatives")
    args = parser.parse_args()
    for split in ("train", "valid"):
        evaluate(args.corpus / split, args.show_errors == split)


if __name__ == "__main__":
    main()
