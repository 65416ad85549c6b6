"""Partial dates of the world: a day, a month, a quarter, a half, a year, or unknown.

A partial date is an interval of days. It is never turned into its first day: `2018-03`
stays March 2018, and questions about it ("had it happened by D?") are answered from
its interval.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from functools import cached_property, lru_cache

from dateutil import parser as dateutil_parser

from .errors import InvalidDate

DAY, MONTH, QUARTER, HALF, YEAR, UNKNOWN = "day", "month", "quarter", "half", "year", "unknown"
PRECISIONS = (DAY, MONTH, QUARTER, HALF, YEAR, UNKNOWN)

_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_UNKNOWN_WORDS = {"", "unknown", "null", "none", "?"}

_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_YEAR = re.compile(r"(\d{4})")
_QUARTER = re.compile(
    r"(?:(\d{4})\s*-?\s*Q(\d)|Q(\d)\s*,?\s*(\d{4})|(\d)Q\s*,?\s*(\d{4})"
    r"|(first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter\s+(?:of\s+)?(\d{4}))",
    re.IGNORECASE,
)
_HALF = re.compile(
    r"(?:(\d{4})\s*-?\s*H(\d)|H(\d)\s*,?\s*(\d{4})|(\d)H\s*,?\s*(\d{4})"
    r"|(first|second|1st|2nd)\s+half\s+(?:of\s+)?(\d{4}))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PartialDate:
    """A date known to some precision. `part` is the month, quarter or half number."""

    precision: str
    year: int | None = None
    part: int | None = None
    day: int | None = None

    # -- construction -------------------------------------------------------------
    @classmethod
    def unknown(cls) -> PartialDate:
        return cls(UNKNOWN)

    @classmethod
    def of_day(cls, d: date) -> PartialDate:
        return cls(DAY, d.year, d.month, d.day)

    @classmethod
    def parse(cls, text: str | None) -> PartialDate:
        """Parse any of the forms analysts write; raise InvalidDate with the reason."""
        if text is None:
            return cls.unknown()
        if isinstance(text, PartialDate):
            return text
        if not isinstance(text, str):
            raise InvalidDate(f"a date must be text, not {type(text).__name__}")
        return _parse_text(text)

    @classmethod
    def _parse(cls, text: str) -> PartialDate:
        s = " ".join(text.split())
        if s.lower() in _UNKNOWN_WORDS:
            return cls.unknown()
        if len(s) > 64:
            raise InvalidDate(f"not a date: {s[:40]!r}…")
        if m := _ISO_DAY.fullmatch(s):
            return cls._checked(DAY, int(m[1]), int(m[2]), int(m[3]), s)
        if m := _ISO_MONTH.fullmatch(s):
            return cls._checked(MONTH, int(m[1]), int(m[2]), None, s)
        if m := _YEAR.fullmatch(s):
            return cls._checked(YEAR, int(m[1]), None, None, s)
        if m := _QUARTER.fullmatch(s):
            year, number = _year_and_number(m)
            return cls._checked(QUARTER, year, number, None, s)
        if m := _HALF.fullmatch(s):
            year, number = _year_and_number(m)
            return cls._checked(HALF, year, number, None, s)
        return cls._parse_words(s)

    @classmethod
    def _parse_words(cls, s: str) -> PartialDate:
        """`March 2018`, `17 December 2018`, `Dec. 17, 2018`: dateutil reads the words;
        parsing against two different defaults tells which fields the text really gave."""
        if not re.search(r"[A-Za-z]{3}", s) or not re.search(r"\d{4}", s):
            raise InvalidDate(f"not a date: {s!r} (use e.g. 2018-12-17, 2018-03, 2020-Q3, 2020-H1, 2019)")
        try:
            first = dateutil_parser.parse(s, default=datetime(2000, 1, 1))
            second = dateutil_parser.parse(s, default=datetime(2001, 2, 2))
        except (ValueError, OverflowError) as exc:
            raise InvalidDate(f"not a date: {s!r} ({exc})") from None
        if first.year != second.year:
            raise InvalidDate(f"not a date: {s!r} has no year")
        if first.month != second.month:
            raise InvalidDate(f"not a date: {s!r} has a day but no month")
        if first.day != second.day:
            return cls._checked(MONTH, first.year, first.month, None, s)
        return cls._checked(DAY, first.year, first.month, first.day, s)

    @classmethod
    def _checked(cls, precision: str, year: int, part: int | None, day: int | None, text: str) -> PartialDate:
        if not 1 <= year <= 9999:
            raise InvalidDate(f"impossible date {text!r}: year out of range")
        limits = {MONTH: 12, DAY: 12, QUARTER: 4, HALF: 2}
        if precision in limits and (part is None or not 1 <= part <= limits[precision]):
            what = {MONTH: "month", DAY: "month", QUARTER: "quarter", HALF: "half"}[precision]
            raise InvalidDate(f"impossible date {text!r}: no {what} {part}")
        if precision == DAY and (part is None or day is None or not 1 <= day <= calendar.monthrange(year, part)[1]):
            month = calendar.month_name[part] if part is not None else "the month"
            raise InvalidDate(f"impossible date {text!r}: {month} {year} has no day {day}")
        return cls(precision, year, part, day)

    # -- what it means --------------------------------------------------------------
    @property
    def is_known(self) -> bool:
        return self.precision != UNKNOWN

    @cached_property
    def interval(self) -> tuple[date, date]:
        """The first and last day the date may stand for. An unknown date has none:
        callers ask `is_known` first."""
        p, y, n = self.precision, self.year, self.part
        if p == UNKNOWN or y is None:
            raise InvalidDate("an unknown date has no interval")
        if p == DAY:
            assert n is not None and self.day is not None  # a day-precise date has both
            d = date(y, n, self.day)
            return d, d
        if p == YEAR:
            first_month, last_month = 1, 12
        else:
            assert n is not None  # a month, quarter or half has its number
            months = {MONTH: 1, QUARTER: 3, HALF: 6}[p]
            first_month = (n - 1) * months + 1
            last_month = first_month + months - 1
        return date(y, first_month, 1), date(y, last_month, calendar.monthrange(y, last_month)[1])

    @property
    def start(self) -> date:
        return self.interval[0]

    @property
    def end(self) -> date:
        return self.interval[1]

    def sort_key(self) -> tuple[int, int]:
        """Unknown dates first, then by first day, then the narrower interval first."""
        if not self.is_known:
            return (0, 0)
        start, end = self.interval
        return (start.toordinal(), end.toordinal())

    def __lt__(self, other: PartialDate) -> bool:
        return self.sort_key() < other.sort_key()

    @cached_property
    def text(self) -> str:
        p, y, n = self.precision, self.year, self.part
        if p == DAY:
            return f"{y:04d}-{n:02d}-{self.day:02d}"
        if p == MONTH:
            return f"{y:04d}-{n:02d}"
        if p == QUARTER:
            return f"{y:04d}-Q{n}"
        if p == HALF:
            return f"{y:04d}-H{n}"
        return f"{y:04d}" if p == YEAR else "unknown"

    def __str__(self) -> str:
        return self.text

    def to_json(self) -> str | None:
        """The canonical text of SCHEMA.md, or None (JSON null) when unknown."""
        return self.text if self.precision != UNKNOWN else None


# Dates repeat a great deal in a log; a PartialDate is immutable, so parses are shared.
_parse_text = lru_cache(maxsize=65536)(PartialDate._parse)


def _year_and_number(m: re.Match) -> tuple[int, int]:
    g = m.groups()
    if g[0]:
        return int(g[0]), int(g[1])
    if g[2]:
        return int(g[3]), int(g[2])
    if g[4]:
        return int(g[5]), int(g[4])
    return int(g[7]), _ORDINALS[g[6].lower()]


# -- cut-offs -------------------------------------------------------------------------


def parse_cutoff_day(text: str) -> date:
    """A cut-off given as a (partial) date means its last day: `2019-03` → 2019-03-31."""
    when = PartialDate.parse(text)
    if not when.is_known:
        raise InvalidDate("a cut-off date cannot be unknown")
    return when.end


def parse_start_day(text: str) -> date:
    """A lower bound given as a (partial) date means its first day: `2019` → 2019-01-01."""
    when = PartialDate.parse(text)
    if not when.is_known:
        raise InvalidDate("a range bound cannot be unknown")
    return when.start


def parse_cutoff_instant(text: str) -> datetime:
    """A cut-off instant: a date alone means the end of that day; a time without a zone
    is UTC."""
    s = text.strip()
    try:
        return end_of_day(parse_cutoff_day(s))
    except InvalidDate:
        pass
    try:
        return parse_instant(s)
    except ValueError:
        raise InvalidDate(f"not a date or time: {s!r} (use e.g. 2019-04-09 or 2019-04-09T12:00:00Z)") from None


def end_of_day(d: date) -> datetime:
    return datetime.combine(d, time.max, tzinfo=timezone.utc)


def format_instant(moment: datetime) -> str:
    """The store's text form of an instant: UTC, microseconds, sortable as text."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant, in UTC: the store's own form (…Z), or any offset; a time
    without a zone is UTC. The one instant parser (Python 3.10's fromisoformat reads no
    "Z"). Raises InvalidDate for one outside years 1–9999 once in UTC, ValueError for text
    that is no instant."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    try:
        return moment.astimezone(timezone.utc)
    except OverflowError:
        raise InvalidDate(
            f"{text.strip()!r} lies outside the instants the store holds (years 1 to 9999 in UTC)"
        ) from None


def today_utc() -> date:
    return datetime.now(timezone.utc).date()
