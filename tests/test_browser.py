"""The site as a person uses it, in headless Chromium (Debian's chromium and chromium-driver)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("selenium")
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM, DRIVER = shutil.which("chromium") or "/usr/bin/chromium", shutil.which("chromedriver") or "/usr/bin/chromedriver"
SHOTS = Path(__file__).resolve().parents[1] / "build" / "screenshots"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
        pytest.fail("chromium and chromium-driver are not installed (.ci/run installs them)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1200,1400", f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def test_a_person_runs_an_example_and_follows_a_result_to_its_sentence(browser, live_server):
    wait = WebDriverWait(browser, 20)
    browser.get(live_server + "/")
    assert "knowledge graph" in browser.find_element(By.TAG_NAME, "h1").text
    browser.save_screenshot(str(SHOTS / "home.png"))

    browser.find_element(By.LINK_TEXT, "Query").click()
    wait.until(EC.presence_of_element_located((By.ID, "examples")))
    select = browser.find_element(By.ID, "examples")
    select.find_element(By.XPATH, "//option[starts-with(., 'CQ01')]").click()
    browser.find_element(By.ID, "run").click()
    wait.until(EC.visibility_of_element_located((By.ID, "results")))
    rows = browser.find_elements(By.CSS_SELECTOR, "#results tbody tr")
    assert len(rows) == 5
    browser.save_screenshot(str(SHOTS / "query.png"))

    browser.find_element(By.LINK_TEXT, "id/country/japan").click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "blockquote.quote")))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Japan"
    quotes = [q.text for q in browser.find_elements(By.CSS_SELECTOR, "blockquote.quote p")]
    assert any("Tokyo has supported peace" in q for q in quotes)
    browser.save_screenshot(str(SHOTS / "japan.png"))


def test_query_errors_show_their_position(browser, live_server):
    browser.get(live_server + "/query?query=" + "SELECT%20*%20WHERE%20%7B%20%3Fs%20%3Fp%20%7D")
    error = WebDriverWait(browser, 20).until(EC.visibility_of_element_located((By.ID, "error")))
    assert "400" in error.text and "line 1, column" in error.text


def test_the_network_picture_is_drawn(browser, live_server):
    browser.get(live_server + "/pictures")
    svg = WebDriverWait(browser, 20).until(EC.presence_of_element_located((By.ID, "network-picture")))
    assert svg.size["width"] > 400 and svg.size["height"] > 200
    nodes = browser.find_elements(By.CSS_SELECTOR, "#network-picture a.node")
    assert len(nodes) > 20
    assert browser.find_elements(By.CSS_SELECTOR, "#timeline-picture a.event")
    browser.save_screenshot(str(SHOTS / "pictures.png"))
