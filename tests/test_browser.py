"""The web view in a real browser: headless Chromium (Debian's chromium and
chromium-driver) driven by Selenium loads each page of a seeded store, changes the as-of
date through the form, sorts a table, follows a drug link, and saves screenshots. Skipped
with a message where Chromium is not installed; CI installs it and requires these tests
(MILESTONES_TEST_BROWSER_REQUIRED=1). With MILESTONES_SCREENSHOTS=DIR the screenshots go
to DIR (the README's come from there)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
from milestones_cli.web import create_app

import eventstore
from eventstore import NewEvent

from .test_cli import SEEDS, Milestones

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
HOW_TO_ENABLE = "browser tests skipped: apt-get install chromium chromium-driver to run them (CI does)"


@pytest.fixture
def browser():
    if not (CHROMIUM and CHROMEDRIVER):
        if os.environ.get("MILESTONES_TEST_BROWSER_REQUIRED") == "1":
            pytest.fail("Chromium and chromedriver are required here but not installed")
        pytest.skip(HOW_TO_ENABLE)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


@pytest.fixture
def server(tmp_path):
    """The seeded store served by uvicorn on a free port, in a thread of this process."""
    import uvicorn

    url = f"sqlite:///{tmp_path / 'store.db'}"
    run = Milestones(url)
    run("init")
    run("import", str(SEEDS))
    run("alias", "TUOYI", "toripalimab")
    run("expect", "toripalimab", "approved", "--window", "2027-H2", "--agency", "FDA")
    store = eventstore.open_store(url)
    store.append(
        [NewEvent(f"example-{i:02d}mab", "phase_started", f"20{15 + i % 8}-0{1 + i % 9}", {"phase": str(1 + i % 3)})
         for i in range(12)]
    )  # fmt: skip
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    uvicorn_server = uvicorn.Server(uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=uvicorn_server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uvicorn_server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    uvicorn_server.should_exit = True
    thread.join(10)
    store.close()


def shoot(driver, tmp_path: Path, name: str) -> None:
    folder = Path(os.environ.get("MILESTONES_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    assert driver.save_screenshot(str(folder / f"{name}.png"))


def test_an_analyst_browses_the_pipeline_rewinds_it_and_opens_a_drug(browser, server, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server + "/")
    assert browser.title.startswith("Pipeline")
    names = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#pipeline a.drug")]
    assert "toripalimab" in names and len(names) == 14
    shoot(browser, tmp_path, "pipeline")

    header = browser.find_element(By.CSS_SELECTOR, "#pipeline th")  # sorts by drug, client side
    header.click()
    header.click()
    descending = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#pipeline a.drug")]
    assert descending == sorted(names, key=str.casefold, reverse=True)

    # The as-of date, set through the form: the page re-renders as of that day.
    browser.execute_script("document.getElementById('as_of').value = '2018-06-30'")
    browser.find_element(By.ID, "apply-clocks").click()
    WebDriverWait(browser, 10).until(expected_conditions.url_contains("as_of=2018-06-30"))
    assert "as of 2018-06-30" in browser.find_element(By.TAG_NAME, "h1").text

    browser.find_element(By.LINK_TEXT, "toripalimab").click()  # the link keeps the clock
    assert browser.find_element(By.ID, "drug-name").text == "toripalimab"
    regulatory = browser.find_element(By.CSS_SELECTOR, "#status .regulatory").text
    assert "accepted" in regulatory and "approved" not in regulatory
    chart = browser.find_element(By.ID, "chart")
    WebDriverWait(browser, 20).until(lambda _: browser.execute_script("return arguments[0].complete", chart))
    assert browser.execute_script("return arguments[0].naturalWidth", chart) > 0  # the SVG loaded and drew

    browser.get(server + "/drugs/TUOYI")  # an alias lands on the drug
    WebDriverWait(browser, 10).until(expected_conditions.url_to_be(server + "/drugs/toripalimab"))
    assert "approved" in browser.find_element(By.CSS_SELECTOR, "#status .regulatory").text
    assert "TUOYI" in browser.page_source
    shoot(browser, tmp_path, "drug")


def test_the_calendar_changes_and_an_unknown_drug(browser, server, tmp_path):
    from selenium.webdriver.common.by import By

    browser.get(server + "/calendar")
    rows = browser.find_elements(By.CSS_SELECTOR, "#calendar tbody tr")
    assert len(rows) == 1 and "2027-H2" in rows[0].text
    assert browser.find_element(By.ID, "ics").get_attribute("href").endswith("/calendar.ics")
    shoot(browser, tmp_path, "calendar")

    browser.get(server + "/changes?since=2000-01-01")
    assert "toripalimab" in browser.find_element(By.ID, "changes").text
    shoot(browser, tmp_path, "changes")

    browser.get(server + "/drugs/toripalimabb")
    assert "did you mean toripalimab" in browser.find_element(By.ID, "error").text
