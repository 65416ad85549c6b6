import calendar
import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventstore.dates import PartialDate, parse_cutoff_day, parse_cutoff_instant
from eventstore.errors import InvalidDate

years = st.integers(1900, 2100)


@st.composite
def partial_dates(draw):
    precision = draw(st.sampled_from(["day", "month", "quarter", "half", "year", "unknown"]))
    if precision == "unknown":
        return PartialDate.unknown()
    year = draw(years)
    if precision == "day":
        return PartialDate.of_day(draw(st.dates(date(year, 1, 1), date(year, 12, 31))))
    part = {
        "month": draw(st.integers(1, 12)),
        "quarter": draw(st.integers(1, 4)),
        "half": draw(st.integers(1, 2)),
        "year": None,
    }[precision]
    return PartialDate(precision, year, part)


@given(partial_dates())
def test_canonical_text_round_trips(when):
    assert PartialDate.parse(str(when) if when.is_known else None) == when
    assert PartialDate.parse(when.to_json()) == when


@given(years, st.integers(1, 12))
def test_a_month_holds_exactly_its_days(year, month):
    start, end = PartialDate.parse(f"{year}-{month:02d}").interval
    assert start == date(year, month, 1)
    assert (end - start).days + 1 == calendar.monthrange(year, month)[1]


@given(years, st.integers(1, 4))
def test_a_quarter_holds_exactly_its_days(year, quarter):
    start, end = PartialDate.parse(f"{year}-Q{quarter}").interval
    months = [PartialDate.parse(f"{year}-{m:02d}").interval for m in range(3 * quarter - 2, 3 * quarter + 1)]
    assert (start, end) == (months[0][0], months[-1][1])


@given(years, st.integers(1, 2))
def test_a_half_holds_exactly_its_days(year, half):
    start, end = PartialDate.parse(f"{year}-H{half}").interval
    days = {start + timedelta(d) for d in range((end - start).days + 1)}
    assert days == {
        d
        for d in (date(year, 1, 1) + timedelta(n) for n in range(366))
        if d.year == year and (d.month - 1) // 6 + 1 == half
    }


@given(years)
def test_a_year_holds_exactly_its_days(year):
    start, end = PartialDate.parse(str(year)).interval
    assert (start, end) == (date(year, 1, 1), date(year, 12, 31))


@given(st.lists(partial_dates(), min_size=2, max_size=6))
def test_order_is_consistent(dates):
    ordered = sorted(dates)
    assert sorted(ordered) == ordered
    for a, b in itertools.pairwise(ordered):
        assert not b < a
        if a.is_known and b.is_known:
            assert a.start <= b.start


@pytest.mark.parametrize(
    "text, canonical",
    [
        ("2018-12-17", "2018-12-17"),
        ("2018-03", "2018-03"),
        ("March 2018", "2018-03"),
        ("17 December 2018", "2018-12-17"),
        ("Dec. 17, 2018", "2018-12-17"),
        ("December 17, 2018", "2018-12-17"),
        ("2020-Q3", "2020-Q3"),
        ("Q3 2020", "2020-Q3"),
        ("third quarter of 2020", "2020-Q3"),
        ("2020-H1", "2020-H1"),
        ("first half of 2020", "2020-H1"),
        ("1H 2020", "2020-H1"),
        ("2019", "2019"),
    ],
)
def test_the_forms_analysts_write(text, canonical):
    assert str(PartialDate.parse(text)) == canonical


def test_a_month_is_never_its_first_day():
    march = PartialDate.parse("2018-03")
    assert march.precision == "month" and str(march) == "2018-03"
    assert march != PartialDate.parse("2018-03-01")


@pytest.mark.parametrize("text", ["", "unknown", None])
def test_unknown(text):
    assert not PartialDate.parse(text).is_known
    with pytest.raises(InvalidDate, match="no interval"):
        PartialDate.parse(text).interval  # noqa: B018 (the property raises)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("2019-02-30", "has no day 30"),
        ("2019-Q5", "no quarter 5"),
        ("2019-13", "no month 13"),
        ("2019-H3", "no half 3"),
        ("next tuesday", "not a date"),
        ("17 December", "not a date"),
    ],
)
def test_impossible_dates_are_refused_with_the_reason(text, reason):
    with pytest.raises(InvalidDate, match=reason):
        PartialDate.parse(text)


@given(st.text(max_size=40))
def test_any_text_parses_or_is_refused_cleanly(text):
    """Nothing but InvalidDate escapes; what parses has a canonical text that parses back
    to the same date."""
    try:
        parsed = PartialDate.parse(text)
    except InvalidDate:
        return
    assert PartialDate.parse(str(parsed)) == parsed


def test_cutoffs_mean_the_last_day_and_the_end_of_day():
    assert parse_cutoff_day("2019-03") == date(2019, 3, 31)
    assert parse_cutoff_day("2020-Q3") == date(2020, 9, 30)
    assert parse_cutoff_instant("2019-04-09").isoformat() == "2019-04-09T23:59:59.999999+00:00"
    assert parse_cutoff_instant("2019-04-09T12:00:00").isoformat() == "2019-04-09T12:00:00+00:00"
    assert parse_cutoff_instant("2019-04-09T12:00:00+02:00").isoformat() == "2019-04-09T10:00:00+00:00"
