"""Charts rendered for real, to PNG and SVG: valid files, the lanes and labels in the
SVG text, and no label over another (from the rendered text extents)."""

from __future__ import annotations

import random
import sys
import xml.etree.ElementTree as ElementTree
from datetime import date, timedelta
from pathlib import Path

import pytest

from .test_cli import SEEDS, Milestones

pytest.importorskip("matplotlib")


def overlapping(boxes):
    return [
        (a, b)
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
    ]


def svg_texts(path: Path) -> list[str]:
    root = ElementTree.parse(path).getroot()
    return [(t.text or "").strip() for t in root.iter("{http://www.w3.org/2000/svg}text")]


@pytest.fixture
def seeded(sqlite_url):
    run = Milestones(sqlite_url)
    run("init")
    run("import", str(SEEDS))
    return run


def test_the_seeds_as_png_and_svg(seeded, tmp_path):
    png, svg = tmp_path / "seeds.png", tmp_path / "seeds.svg"
    result = seeded("plot", "toripalimab", "APG-1387", "-o", str(png), "--as-of", "2019-06-30")
    assert "2 lanes" in result.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    seeded("plot", "toripalimab", "APG-1387", "-o", str(svg), "--as-of", "2019-06-30")
    texts = svg_texts(svg)
    assert {"toripalimab", "APG-1387", "NDA accepted (NMPA)", "Conditional approval (NMPA)"} <= set(texts)
    assert any(t.startswith("as of 2019-06-30") for t in texts)


def test_ten_drugs_over_ten_years_stay_legible(sqlite_url, tmp_path):
    from eventstore import NewEvent, open_store
    from eventstore.chart import draw
    from eventstore.queries import timeline

    rng = random.Random(5)
    store = open_store(sqlite_url)
    store.initialize()
    drugs = [f"drug-{i}mab" for i in range(10)]
    for drug in drugs:
        day = date(2012, 1, 1) + timedelta(days=rng.randrange(400))
        events = []
        for phase in ("1", "2", "3"):
            events.append(NewEvent(drug, "phase_started", str(day), {"phase": phase}))
            day += timedelta(days=rng.randrange(300, 900))
        for agency in ("FDA", "EMA", "NMPA"):
            events.append(NewEvent(drug, "filing_accepted", f"{day:%Y-%m}", {"agency": agency, "application": "NDA"}))
            events.append(
                NewEvent(drug, "designation_granted", str(day), {"agency": agency, "designation": "priority_review"})
            )
            events.append(NewEvent(drug, "approved", str(day + timedelta(days=240)), {"agency": agency}))
            day += timedelta(days=rng.randrange(20, 90))
        events.append(NewEvent(drug, "collaboration_signed", f"{day.year - 3}", {"partners": ["Partner"]}))
        store.append([e for e in events if e.date.start <= date(2024, 12, 31)])
    chart = draw(
        [(d, timeline(store, d)) for d in drugs], tmp_path / "ten.svg", since=date(2011, 6, 1), until=date(2025, 6, 30)
    )
    assert chart.lanes == drugs and len(chart.labels) > 40
    assert overlapping(chart.label_boxes) == []
    assert set(drugs) <= set(svg_texts(tmp_path / "ten.svg"))
    store.close()


def test_without_matplotlib_the_command_says_how_to_install_it(seeded, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    result = seeded("plot", "toripalimab", "-o", str(tmp_path / "x.png"), code=2)
    assert "pip install 'milestones[plot]'" in result.stderr


def test_only_svg_or_png(seeded, tmp_path):
    assert ".pdf" in seeded("plot", "toripalimab", "-o", str(tmp_path / "x.pdf"), code=2).stderr


def test_a_lane_per_agency_or_indication_where_events_name_one(seeded, tmp_path):
    seeded(
        "append",
        "--new-drug",
        "toripalimab",
        "filing_accepted",
        "--date",
        "2021-03",
        "--agency",
        "FDA",
        "--application",
        "BLA",
    )
    svg = tmp_path / "by-agency.svg"
    assert "4 lanes" in seeded("plot", "toripalimab", "APG-1387", "-o", str(svg), "--by", "agency").stderr
    assert {"toripalimab · NMPA", "toripalimab · FDA", "APG-1387"} <= set(svg_texts(svg))
    assert "toripalimab" in svg_texts(svg)  # the deal names no agency: it stays in the drug's own lane
