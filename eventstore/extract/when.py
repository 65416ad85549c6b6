"""Dates in news sentences: explicit at any precision, and relative ones ("today", "on
Friday", "last month", "earlier this year", "in July") resolved against the publication
date at the precision they support."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..dates import PartialDate
from ..errors import InvalidDate
from .text import paragraphs, split_dateline

MONTHS = {
    m: i + 1
    for i, m in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        )
    )
}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|"
    r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_ORD = r"(?:first|second|third|fourth|1st|2nd|3rd|4th)"

# The verbs with which news says when it was told ("…, the company said on Monday").
REPORTING_VERB = r"(?:said|says|announced|reported|disclosed|confirmed|posted)"

# Most specific first: the first pattern to claim a span keeps it.
PATTERNS: list[tuple[str, re.Pattern]] = [
    (kind, re.compile(p, re.IGNORECASE))
    for kind, p in (
        ("iso", r"\b(\d{4})-(\d{2})-(\d{2})\b"),
        ("mdy", rf"\b({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b"),
        ("dmy", rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\s*,?\s+(\d{{4}})\b"),
        ("quarter", rf"\b(?:the\s+)?({_ORD})\s+quarter\s+(?:of\s+)?(\d{{4}})\b"),
        ("quarter_short", r"\b(?:Q([1-4])\s*,?\s*(\d{4})|([1-4])Q\s*(\d{4})|(\d{4})\s*-?\s*Q([1-4]))\b"),
        ("half", r"\b(?:the\s+)?(first|second|1st|2nd)\s+half\s+(?:of\s+)?(\d{4})\b"),
        ("half_short", r"\b(?:H([12])\s*,?\s*(\d{4})|([12])H\s*(\d{4})|(\d{4})\s*-?\s*H([12]))\b"),
        ("month_year", rf"\b({_MONTH})\s*(?:of\s+)?,?\s*(\d{{4}})\b"),
        ("month_last_year", rf"\b({_MONTH})\s+(?:of\s+)?(last|this)\s+year\b"),
        ("md", rf"\b(?:on\s+)?({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!,?\s*\d{{4}})"),
        ("today", r"\b(?:today|this morning|tonight)\b"),
        ("yesterday", r"\byesterday\b"),
        (
            "weekday",
            rf"\b(?:on|last|late on|earlier on|late|early|{REPORTING_VERB}"
            r"(?:\s+(?:late|early))?)\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
        ),
        ("last_week", r"\b(?:last|this past|earlier this|past)\s+week\b"),
        ("last_month", r"\blast\s+month\b"),
        ("this_month", r"\b(?:this|earlier this)\s+month\b"),
        ("this_year", r"\b(?:earlier\s+this|this|so far this)\s+(?:year|spring|summer|autumn|fall)\b"),
        ("last_year", r"\blast\s+year\b"),
        ("last_named_month", rf"\blast\s+({_MONTH})\b"),
        ("in_month", rf"\b(?:in|since|during|by|on|from|early|late|mid-?)\s+({_MONTH})\b(?!\s*\d)"),
        ("year", r"\b(?:in|since|during|from|of|by|early|late|mid-?|throughout)\s+((?:19|20)\d{2})\b(?![-/]\d)"),
        ("conference_year", r"\bthe\s+((?:19|20)\d{2})\s+[A-Z][A-Za-z]+"),
    )
]


# Cheap tests that spare most sentences most patterns: the speed target is 100 texts a second.
_NEEDS_ALL = {
    "iso": ("year",),
    "mdy": ("month", "year"),
    "dmy": ("month", "year"),
    "quarter": ("year",),
    "quarter_short": ("digit",),
    "half": ("year",),
    "half_short": ("digit",),
    "month_year": ("month", "year"),
    "md": ("month", "digit"),
    "year": ("year",),
    "conference_year": ("year",),
    "last_named_month": ("month",),
    "in_month": ("month",),
    "month_last_year": ("month",),
}
_MONTH_WORD = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.IGNORECASE)
_YEAR4 = re.compile(r"(?:19|20)\d\d")
_NEEDS = {
    "quarter": "quarter",
    "half": "half",
    "yesterday": "yesterday",
    "weekday": "day",
    "last_week": "week",
    "last_month": "month",
    "this_month": "month",
    "last_year": "year",
    "last_named_month": "last",
}
_DIGIT = re.compile(r"\d")
_DATE_WORD = re.compile(
    r"today|tonight|morning|yesterday|day\b|week|month|year|spring|summer|autumn|fall\b|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    when: PartialDate
    relative: bool = False  # told relative to another date ("the same year"): it may date several events


def _month(text: str) -> int:
    return MONTHS[text.lower().rstrip(".")[:4] if text.lower().startswith("sept") else text.lower().rstrip(".")[:3]]


def _safe(precision_text: str) -> PartialDate | None:
    try:
        return PartialDate.parse(precision_text)
    except InvalidDate:
        return None


def _resolve(kind: str, m: re.Match, published: date | None) -> PartialDate | None:
    g = m.groups()
    if kind == "iso":
        return _safe(m[0])
    if kind == "mdy":
        return _safe(f"{g[2]}-{_month(g[0]):02d}-{int(g[1]):02d}")
    if kind == "dmy":
        return _safe(f"{g[2]}-{_month(g[1]):02d}-{int(g[0]):02d}")
    if kind == "quarter":
        quarter = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3}.get(g[0].lower(), 4)
        return _safe(f"{g[1]}-Q{quarter}")
    if kind == "quarter_short":
        q, y = (g[0], g[1]) if g[0] else (g[2], g[3]) if g[2] else (g[5], g[4])
        return _safe(f"{y}-Q{q}")
    if kind == "half":
        return _safe(f"{g[1]}-H{1 if g[0].lower() in ('first', '1st') else 2}")
    if kind == "half_short":
        h, y = (g[0], g[1]) if g[0] else (g[2], g[3]) if g[2] else (g[5], g[4])
        return _safe(f"{y}-H{h}")
    if kind == "month_year":
        return _safe(f"{g[1]}-{_month(g[0]):02d}")
    if kind in ("year", "conference_year"):
        return _safe(g[0])
    if published is None:
        return None
    if kind == "md":
        month = _month(g[0])
        year = published.year if month <= published.month else published.year - 1
        return _safe(f"{year}-{month:02d}-{int(g[1]):02d}")
    if kind == "today":
        return PartialDate.of_day(published)
    if kind == "yesterday":
        return PartialDate.of_day(published - timedelta(days=1))
    if kind == "weekday":
        back = (published.weekday() - WEEKDAYS.index(g[0].lower())) % 7
        if m[0].lower().startswith("last") and back == 0:
            back = 7
        return PartialDate.of_day(published - timedelta(days=back))
    if kind == "last_week":
        return _safe(f"{(published - timedelta(days=7)):%Y-%m}")
    if kind == "last_month":
        first = published.replace(day=1) - timedelta(days=1)
        return _safe(f"{first:%Y-%m}")
    if kind == "this_month":
        return _safe(f"{published:%Y-%m}")
    if kind == "month_last_year":
        return _safe(f"{published.year - (g[1].lower() == 'last')}-{_month(g[0]):02d}")
    if kind == "this_year":
        return _safe(str(published.year))
    if kind == "last_year":
        return _safe(str(published.year - 1))
    if kind in ("last_named_month", "in_month"):
        month = _month(g[0])
        year = published.year if month <= published.month and kind == "in_month" else published.year - 1
        if kind == "last_named_month" and month < published.month:
            year = published.year
        return _safe(f"{year}-{month:02d}")
    return None


def mentions(sentence: str, published: date | None, told_before: PartialDate | None = None) -> list[Mention]:
    """Every date mentioned in a sentence, resolved; overlapping spans keep the first
    (most specific) pattern's reading. Dates after publication are kept: they can only
    be expectations. Dates told relative to an earlier one ("the same month", "a month
    after that", "in April of that year") take the date told last before them: earlier
    in the sentence, else `told_before`."""
    has_digit = _DIGIT.search(sentence) is not None
    if not has_digit and not _DATE_WORD.search(sentence):
        return []
    has = {
        "digit": has_digit,
        "month": _MONTH_WORD.search(sentence) is not None,
        "year": _YEAR4.search(sentence) is not None,
    }
    taken: list[Mention] = []
    lowered = sentence.lower()
    relative = list(RELATIVE.finditer(sentence)) if any(w in lowered for w in _RELATIVE_WORDS) else []
    for kind, pattern in PATTERNS:
        if not all(has[need] for need in _NEEDS_ALL.get(kind, ())) or (kind in _NEEDS and _NEEDS[kind] not in lowered):
            continue
        for m in pattern.finditer(sentence):
            if any(m.start() < t.end and t.start < m.end() for t in taken) or any(
                m.start() < r.end() and r.start() < m.end() for r in relative
            ):
                continue
            when = _resolve(kind, m, published)
            if when is None:
                continue
            taken.append(Mention(m.start(), m.end(), when))
    for m in relative:
        earlier = max(
            (t for t in taken if t.end <= m.start() and not is_goal_date(sentence, t)),
            key=lambda t: t.start,
            default=None,
        )
        when = _relative(m, earlier.when if earlier else told_before)
        if when is not None:
            taken.append(Mention(m.start(), m.end(), when, relative=True))
    return sorted(taken, key=lambda t: t.start)


_GOAL_BEFORE = re.compile(r"(?:PDUFA|goal|target action|action|target) date(?: of| is| was)?\s*$", re.IGNORECASE)
_GOAL_AFTER = re.compile(r"\s*(?:(?:PDUFA|goal|target|action)\s+)+date\b", re.IGNORECASE)


def is_goal_date(sentence: str, mention: Mention) -> bool:
    """A goal date ("a goal date of February 26", "an Aug. 5 action date") names when a
    decision is due, not when anything happened."""
    return bool(
        _GOAL_BEFORE.search(sentence[max(0, mention.start - 30) : mention.start])
        or _GOAL_AFTER.match(sentence, mention.end)
    )


_RELATIVE_WORDS = ("same", "that year", "that month", "after that", "later", "following", "next")
RELATIVE = re.compile(
    rf"\b(?:(?:the|that) same (day|month|year)|that (month|year)|(?:a|one) (month|year) "
    rf"(?:after that|later)|the (?:following|next) (month|year)|"
    rf"(?:in\s+)?({_MONTH})\s+of\s+(?:that|the same) year)\b",
    re.IGNORECASE,
)


def _relative(m: re.Match, earlier: PartialDate | None) -> PartialDate | None:
    if earlier is None or not earlier.is_known:
        return None
    start = earlier.start
    same, that, after, following, month = m.groups()
    if month:
        return _safe(f"{start.year}-{_month(month):02d}")
    unit = (same or that or after or following).lower()
    if same or that:
        if unit == "day":
            return earlier if earlier.precision == "day" else None
        return _safe(f"{start:%Y-%m}" if unit == "month" else f"{start:%Y}")
    if unit == "year":
        return _safe(str(start.year + 1))
    return _safe(f"{start.year + start.month // 12}-{start.month % 12 + 1:02d}")


def dateline(text: str) -> date | None:
    """The publication date a text's dateline states (in its first paragraphs)."""
    for paragraph in paragraphs(text)[:4]:
        stated, _ = split_dateline(paragraph)
        if stated:
            found = mentions(stated, None)
            if found and found[0].when.precision == "day":
                return found[0].when.start
    return None
