"""Words of a text that could name a drug, generously, each with the features a learned
model weighs to tell drug names from companies, places, trials, targets and English
words: the word's letters (an INN's stem, a code's shape), the words around each of its
mentions, and how the text writes it elsewhere."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

# A code name (ABO-102, BL-B01D1, NBTXR3, "AMG 594"), or a word: a capitalised one, or a
# lower-case one long enough to be an INN.
_CODE_WITH_SPACE = re.compile(r"(?<![\w-])([A-Z]{2,5} \d{2,6})(?![\w-])")
_TOKEN = re.compile(r"(?<![\w-])([A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)(?![\w-])")
_MIN_LOWER = 7  # lower-case words shorter than this are English words far more often than INNs
_MIN_CAPITALISED = 4
_WORD = re.compile(r"[A-Za-z][\w-]*")


def _shape(word: str) -> str:
    """Letters as X/x, digits as d, runs collapsed: "ABO-102" → "X-d", "Keytruda" → "Xx"."""
    out: list[str] = []
    for ch in word:
        c = "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


def _plausible(token: str) -> bool:
    has_digit = any(ch.isdigit() for ch in token)
    if has_digit:
        return any(ch.isalpha() for ch in token) and len(token) >= 3 and not token[:4].isdigit()
    if token.islower():
        return len(token) >= _MIN_LOWER
    return len(token) >= _MIN_CAPITALISED


def name_candidates(sentences: list[str], known: set[str]) -> dict[str, list[str]]:
    """Every word of the text that could name a drug, with its features. `known` holds
    the names the rules found (casefolded): that they found it is a feature too."""
    lowered_words = Counter(w for s in sentences for w in _WORD.findall(s) if w.islower())
    contexts: dict[str, set[str]] = defaultdict(set)
    counts: Counter = Counter()
    spelling: dict[str, str] = {}
    for index, sentence in enumerate(sentences):
        found = [(m.start(1), m.end(1), m[1]) for m in _TOKEN.finditer(sentence) if _plausible(m[1])]
        found += [(m.start(1), m.end(1), m[1]) for m in _CODE_WITH_SPACE.finditer(sentence)]
        for start, end, token in found:
            key = token.casefold()
            spelling.setdefault(key, token)
            counts[key] += 1
            before = _WORD.findall(sentence[max(0, start - 40) : start])
            after = _WORD.findall(sentence[end : end + 40])
            ctx = contexts[key]
            ctx.add(f"prev={before[-1].lower()}" if before else "prev=^")
            ctx.add(f"next={after[0].lower()}" if after else "next=$")
            if len(before) > 1:
                ctx.add(f"prev2={before[-2].lower()}")
            if len(after) > 1:
                ctx.add(f"next2={after[1].lower()}")
            tail = sentence[end : end + 2]
            if tail[:1] in "®™":
                ctx.add("marked")
            if tail.startswith(")") and "(" in sentence[max(0, start - 2) : start]:
                ctx.add("in_parentheses")
            if start == 0:
                ctx.add("opens_sentence")
            if index == 0:
                ctx.add("in_headline")
            if after and after[0][:1].isupper() and not after[0].isupper():
                ctx.add("next_capitalised")
    out = {}
    for key, token in spelling.items():
        word = f"<{key}>"
        grams = {f"g={word[i : i + n]}" for n in (3, 4, 5) for i in range(len(word) - n + 1)}
        f = sorted(grams | contexts[key])
        f += [f"shape={_shape(token)}", f"length={min(len(token), 16) // 2}", f"count={min(counts[key], 5)}"]
        if key in known:
            f.append("rules_found")
        if not token.islower() and key in lowered_words:
            f.append("also_lower_case")
        if any(ch.isdigit() for ch in token):
            f.append("has_digit")
        out[token] = f
    return out


NAME_THRESHOLD = 0.25  # a word the name model gives at least this probability is taken as a drug's name


def drug_names(model: Any, sentences: list[str], known: set[str]) -> list[str]:
    """The words the name model (a `model.Linear`) takes as drug names, beyond `known`."""
    return [
        name
        for name, f in name_candidates(sentences, known).items()
        if name.casefold() not in known and model.probability(f) >= NAME_THRESHOLD
    ]
