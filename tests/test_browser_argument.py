"""The argument as a reader meets it, in headless Chromium (issue 18/19): the "voice" proposal's diagram; the map
narrowed to research question 2, then to a section, a node focused and its neighbours highlighted, Escape clearing;
axe-clean (serious and critical) in every state; 390 px without sideways scrolling; within the length budget."""

from __future__ import annotations

import base64

import pytest

pytest.importorskip("selenium")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402

from .browsing import SHOTS, assert_only_our_host, requested_urls, run_axe  # noqa: E402

#: Page length at 1200 px wide with the lists collapsed: three screens of 900 px (the whole map, the longest page).
BUDGET_PX = 3 * 900
VOICE = "/id/proposal/special-high-level-arenas"


def shoot(browser, name: str) -> None:
    """A full-page screenshot under build/screenshots/."""
    height = browser.execute_script("return document.documentElement.scrollHeight")
    width = browser.execute_script("return document.documentElement.clientWidth")
    shot = browser.execute_cdp_cmd("Page.captureScreenshot", {"captureBeyondViewport": True, "clip": {
        "x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
    (SHOTS / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))


def sideways(browser) -> int:
    return browser.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.fixture
def wide(browser):
    browser.set_window_size(1200, 900)
    yield browser
    browser.set_window_size(1200, 1400)


def test_a_reader_sees_the_voice_proposal_with_its_purpose_and_what_it_elaborates_drawn(wide, live_server):
    browser = wide
    browser.get(live_server + VOICE)
    requested_urls(browser)
    figure = browser.find_element(By.CSS_SELECTOR, ".argument-diagram svg.argument-svg")
    assert figure.is_displayed()
    steps = [s.get_attribute("textContent").strip() for s in figure.find_elements(By.CSS_SELECTOR, ".step text")]
    assert "in order that" in steps and "makes concrete" in steps
    focus = figure.find_element(By.CSS_SELECTOR, ".inode.focus a")
    assert focus.get_dom_attribute("href") == VOICE
    block = browser.find_element(By.CSS_SELECTOR, "details.argument-list-block")
    assert block.get_dom_attribute("open") is None  # closed beside the drawing, to keep the page short
    block.find_element(By.CSS_SELECTOR, "summary").click()
    listed = browser.find_element(By.CSS_SELECTOR, ".argument-list").text
    assert "Reasons for the proposal it makes concrete" in listed and "sentence 97" in listed
    assert "in order that" in listed and "is made concrete by" in listed
    assert "put as “might” (possibility)" in browser.find_element(By.CSS_SELECTOR, ".argument-focus").text
    shoot(browser, "argument-voice-1200")
    assert run_axe(browser) == []
    assert_only_our_host(browser, live_server)


def test_a_reader_narrows_the_map_to_question_2_then_a_section_and_focuses_a_node(wide, live_server):
    browser = wide
    browser.get(live_server + "/argument")
    requested_urls(browser)
    numbers = [o.text.split(".")[0] for o in Select(browser.find_element(By.ID, "narrow-question")).options[1:]]
    assert numbers == ["1", "2", "3"]
    assert "sketch a long-term vision" in browser.find_element(By.CSS_SELECTOR, "section.plans").text
    height = browser.execute_script("return document.documentElement.scrollHeight")
    assert height <= BUDGET_PX, f"the whole map is {height} px long with its lists collapsed"
    shoot(browser, "argument-map-1200")
    assert run_axe(browser) == []

    Select(browser.find_element(By.ID, "narrow-question")).select_by_value("2")
    browser.find_element(By.CSS_SELECTOR, ".narrowing button[type=submit]").click()
    assert "question=2" in browser.current_url
    columns = browser.find_elements(By.CSS_SELECTOR, ".map-node.q")
    assert len(columns) == 1 and "research question 2" in browser.find_element(By.CSS_SELECTOR, "section.question h3").text.lower()

    Select(browser.find_element(By.ID, "narrow-section")).select_by_value("2")
    browser.find_element(By.CSS_SELECTOR, ".narrowing button[type=submit]").click()
    assert "question=2" in browser.current_url and "section=2" in browser.current_url
    nodes = browser.find_elements(By.CSS_SELECTOR, ".map-node")
    linked = next(n for n in nodes if len(n.get_attribute("data-near").split()) > 1 and "q" not in n.get_attribute("class").split())
    browser.execute_script("arguments[0].focus()", linked)
    near = set(linked.get_attribute("data-near").split())
    bright = {el.get_attribute("data-id") for el in browser.find_elements(By.CSS_SELECTOR, ".map-svg .near")}
    assert near | {linked.get_attribute("data-id")} == bright
    assert browser.find_element(By.CSS_SELECTOR, ".map-svg").get_attribute("class").split().count("narrowed") == 1
    assert linked.get_attribute("data-label") in browser.find_element(By.ID, "map-details").text
    shoot(browser, "argument-map-q2-s2-focused-1200")
    assert run_axe(browser) == []  # narrowed, a node focused and its neighbours highlighted
    linked.send_keys(Keys.ARROW_DOWN)
    assert browser.switch_to.active_element != linked
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    assert browser.find_elements(By.CSS_SELECTOR, ".map-svg .near") == []
    for summary in browser.find_elements(By.CSS_SELECTOR, "details.answers-group:not([open]) > summary"):
        summary.click()
    assert run_axe(browser) == []  # every list open
    assert_only_our_host(browser, live_server)


@pytest.mark.parametrize("path", ["/argument", "/argument?actor=country/japan", VOICE])
def test_argument_pages_read_at_390_px_without_sideways_scrolling(browser, live_server, path):
    browser.set_window_size(390, 900)
    try:
        browser.get(live_server + path)
        assert sideways(browser) <= 0, path
        if path == VOICE:  # the drawing is hidden at this width: its list is open, and the key goes with it
            assert browser.find_element(By.CSS_SELECTOR, ".argument-list").is_displayed()
            assert not browser.find_element(By.CSS_SELECTOR, ".argument-legend").is_displayed()
        assert run_axe(browser) == []
        shoot(browser, "argument-390-" + path.strip("/").replace("/", "-").replace("?", "-").replace("=", "-"))
    finally:
        browser.set_window_size(1200, 1400)


def test_a_bad_narrowing_is_a_page_in_words(browser, live_server):
    browser.get(live_server + "/argument?question=9")
    assert "question must be a whole number from 1 to 3" in browser.find_element(By.CSS_SELECTOR, ".error").text
    assert run_axe(browser) == []
