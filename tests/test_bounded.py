"""Every command that reads a file reads it in bounded memory or refuses it with one line:
an endless input (/dev/zero), a file of one huge line, a text too large to be news."""

from __future__ import annotations

import os

import pytest
from milestones_cli.commands import news, sources

from eventstore.jsonl import MAX_LINE

from .test_cli import Milestones

ENDLESS = "/dev/zero"


@pytest.fixture
def run(sqlite_url):
    milestones = Milestones(sqlite_url)
    milestones("init")
    return milestones


@pytest.mark.skipif(not os.path.exists(ENDLESS), reason="needs /dev/zero")
@pytest.mark.parametrize(
    "args, message",
    [
        (["import", ENDLESS], f"{ENDLESS}:1: line longer than {MAX_LINE:,} characters"),
        (["extract", ENDLESS], f"larger than {news.MAX_NEWS_BYTES:,} bytes"),
        (["ingest", ENDLESS, "--dry-run"], f"larger than {news.MAX_NEWS_BYTES:,} bytes"),
        (["import-ctgov", ENDLESS], f"larger than {sources.MAX_RECORD_BYTES:,} bytes"),
        (["import-openfda", ENDLESS], f"larger than {sources.MAX_RECORD_BYTES:,} bytes"),
    ],
)
def test_an_endless_input_is_refused_in_one_line(run, args, message):
    result = run(*args, code=2)
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_line_too_long_is_refused_with_its_number_and_nothing_is_written(run, tmp_path):
    path = tmp_path / "events.jsonl"
    good = '{"drug": "examplimab", "type": "phase_started", "date": "2019", "phase": "1"}\n'
    path.write_text(good + '{"drug": "' + "x" * (MAX_LINE + 10) + '"}\n')
    assert f"events.jsonl:2: line longer than {MAX_LINE:,}" in run("import", str(path), code=2).stderr
    assert run.json("history") == []
    path.write_text(good)
    assert "1 stored" in run("import", str(path)).stderr


def test_a_text_too_large_for_news_is_refused(run, tmp_path):
    path = tmp_path / "huge.txt"
    path.write_text("The FDA approved examplimab. " * (news.MAX_NEWS_BYTES // 20))
    assert "larger than" in run("extract", str(path), code=2).stderr
