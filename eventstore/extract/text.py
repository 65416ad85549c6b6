"""A news text cut into paragraphs and sentences, with the parts that carry no events
(safe-harbour statements, contacts, media blocks) marked."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREVIATIONS = (
    "Inc",
    "Ltd",
    "Co",
    "Corp",
    "Dr",
    "Mr",
    "Ms",
    "No",
    "vs",
    "St",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
    "U.S",
    "e.g",
    "i.e",
    "approx",
    "Ph.D",
    "M.D",
    "Nasdaq",
    "NYSE",
    "Fig",
    "al",
)
_ENDS_WITH_ABBREVIATION = re.compile(rf"\b(?:{'|'.join(map(re.escape, _ABBREVIATIONS))})\.$|\b[A-Z]\.$")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“(]?[A-Z0-9])")
_SAFE_HARBOUR = re.compile(
    r"forward[- ]looking statements?|safe harbou?r|cautionary (?:note|statement)|"
    r"this press release contains|undue reliance",
    re.IGNORECASE,
)
_CONTACT = re.compile(
    r"^(?:contacts?|media(?: contact| inquiries)?|investors?(?: contact| relations)?|"
    r"source|for more information|references?)\s*:?\s*$",
    re.IGNORECASE,
)


_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
# "SHANGHAI, April 22, 2021 /PRNewswire/ --", "BASEL, Switzerland, May 24, 2019 (GLOBE NEWSWIRE) --",
# "09 April 2019 | News", "TUEBINGEN, Germany (June 17) -": where and when, before the story.
DATELINE = re.compile(
    rf"^(?:[A-Z][\w.'&-]*(?:[ ,]+[A-Z][\w.'&-]*)*,?\s+)?\(?((?:{_MONTH}\s+\d{{1,2}},?\s+\d{{4}})|"
    rf"(?:\d{{1,2}}\s+{_MONTH}\s+\d{{4}})|(?:{_MONTH}\s+\d{{1,2}}))\)?\s*"
    rf"(?:/[^/]{{1,40}}/|\([^)]{{1,40}}\))?\s*(?:--|—|–|-|\||:)\s*(?:\([^)]{{1,40}}\)\s*(?:--|—|-)?\s*)?"
)


def split_dateline(paragraph: str) -> tuple[str | None, str]:
    """A paragraph's dateline (its date text) and the story after it."""
    m = DATELINE.match(paragraph)
    if not m:
        return None, paragraph
    return m[1], paragraph[m.end() :]


@dataclass(frozen=True)
class Sentence:
    text: str
    paragraph: int
    index: int  # position in the whole text
    about: str | None  # the subject of an "About X" section the sentence sits in
    headline: bool


_BULLET = re.compile(r"\n\s*(?=[-•*–]\s)")
_BULLET_START = re.compile(r"[-•*–]\s")


def paragraphs(text: str) -> list[str]:
    """Paragraphs, with each bullet of a list a paragraph of its own."""
    return [" ".join(p.split()) for block in re.split(r"\n\s*\n", text) for p in _BULLET.split(block) if p.strip()]


def split_sentences(paragraph: str) -> list[str]:
    """Sentences, not cut after common abbreviations (Inc., U.S., Dec.)."""
    pieces = _SENTENCE_END.split(paragraph)
    out: list[str] = []
    for piece in pieces:
        if out and _ENDS_WITH_ABBREVIATION.search(out[-1]):
            out[-1] += " " + piece
        else:
            out.append(piece)
    return [s.strip() for s in out if s.strip()]


def sentences(text: str) -> list[Sentence]:
    """Every sentence that may carry an event, with its paragraph and section."""
    out: list[Sentence] = []
    about: str | None = None
    stop = False
    in_highlights = True  # the headline and the bullets right under it tell the news of the day
    for number, paragraph in enumerate(paragraphs(text)):
        if stop:
            break
        heading = re.match(r"^About (.{2,80}?)\s*:?$", paragraph)
        if heading:
            about = heading[1]
            continue
        if _SAFE_HARBOUR.search(paragraph[:300]) and number > 0:
            stop = True  # the safe-harbour statement and what follows it carry no events
            continue
        if _CONTACT.match(paragraph):
            stop = True
            continue
        if (
            len(paragraph) < 60
            and not re.search(r"[.!?]$", paragraph)
            and number > 0
            and not _BULLET_START.match(paragraph)
        ):
            about = None if not paragraph.lower().startswith("about ") else paragraph[6:]
            continue  # a section heading
        headline = number == 0 and not paragraph.endswith((".", "!", "?"))  # a title has no full stop
        in_highlights = in_highlights and (headline or (number > 0 and bool(_BULLET_START.match(paragraph))))
        headline = headline or in_highlights
        paragraph = split_dateline(paragraph)[1]
        for sentence in split_sentences(paragraph):
            out.append(Sentence(sentence, number, len(out), about, headline))
    return out
