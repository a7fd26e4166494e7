"""Resource pages as a reader uses them, in headless Chromium (issue 18): Japan's page read from its summary to a
sentence of the article; every group expanded and a reference open, axe-clean; references by keyboard; the length
budget of the longest pages at 1200 px with their groups collapsed; 390 px without sideways scrolling."""

from __future__ import annotations

import base64
import urllib.request

import pytest

pytest.importorskip("selenium")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from .browsing import SHOTS, assert_only_our_host, requested_urls, run_axe  # noqa: E402

#: Three screens of 900 px at 1200 px wide, every group collapsed; and the HTML budget of tests/test_resource_pages.py.
BUDGET_PX = 3 * 900
BUDGET_BYTES = 80_000
#: The longest pages of the graph (NATO was 75,000 px, Afghanistan 15,000 px; the relationship cites seven
#: sentences), and one of each kind of node.
PAGES = {"nato": "/id/organisation/nato", "afghanistan": "/id/country/afghanistan", "japan": "/id/country/japan",
         "isaf": "/id/operation/isaf", "claim": "/id/claim/nato-global-security-forum",
         "proposal": "/id/proposal/asian-pacific-nato", "contribution": "/id/contribution/australia-troops-afghanistan",
         "event": "/id/event/bucharest-summit-2008", "content": "/id/content/asian-pacific-nato",
         "relationship": "/id/relationship/nato-asia-pacific"}


def shoot(browser, name: str) -> None:
    """A full-page screenshot under build/screenshots/."""
    height = browser.execute_script("return document.documentElement.scrollHeight")
    width = browser.execute_script("return document.documentElement.clientWidth")
    shot = browser.execute_cdp_cmd("Page.captureScreenshot", {"captureBeyondViewport": True, "clip": {
        "x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
    (SHOTS / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))


def expand_everything(browser) -> None:
    for summary in browser.find_elements(By.CSS_SELECTOR, "details.more:not([open]) > summary"):
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", summary)
        summary.click()


@pytest.fixture
def wide(browser):
    browser.set_window_size(1200, 900)
    yield browser
    browser.set_window_size(1200, 1400)


def test_a_reader_follows_a_contribution_of_japan_to_its_sentence_in_the_article(wide, live_server):
    browser = wide
    browser.get(live_server + "/id/country/japan")
    requested_urls(browser)
    summary = browser.find_element(By.CSS_SELECTOR, "section.summary").text
    assert summary.startswith("Japan is a state") and "contributions involve Japan" in summary
    events = browser.find_element(By.ID, "group-events")
    assert "Contributions and events" in events.find_element(By.TAG_NAME, "h2").text
    hidden = events.find_elements(By.CSS_SELECTOR, "details.more li.row")
    assert hidden and not any(row.is_displayed() for row in hidden)
    events.find_element(By.CSS_SELECTOR, "details.more > summary").click()
    assert all(row.is_displayed() for row in hidden)
    row = events.find_element(By.XPATH, ".//li[@class='row'][.//a[@href='/id/contribution/japan-refuelling-us-forces']]")
    reference = row.find_element(By.CSS_SELECTOR, "button.ref")
    card = browser.find_element(By.ID, reference.get_attribute("popovertarget"))
    assert not card.is_displayed()
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", reference)
    reference.click()
    WebDriverWait(browser, 5).until(lambda b: card.is_displayed())
    assert "refuelling missions for US forces" in card.find_element(By.CSS_SELECTOR, "blockquote").text
    shoot(browser, "resource-japan-reference")
    assert run_axe(browser) == []  # the group expanded and the reference open
    sentence = reference.get_attribute("popovertarget")[len("ref-"):]
    card.find_element(By.LINK_TEXT, "Read it in the article").click()
    WebDriverWait(browser, 10).until(lambda b: b.current_url.endswith(f"/article#{sentence}"))
    assert_only_our_host(browser, live_server)


def test_a_reference_opens_and_closes_by_keyboard_and_gives_focus_back(wide, live_server):
    browser = wide
    browser.get(live_server + "/id/country/japan")
    reference = browser.find_element(By.CSS_SELECTOR, "#group-relations button.ref")
    card = browser.find_element(By.ID, reference.get_attribute("popovertarget"))
    reference.send_keys(Keys.ENTER)
    WebDriverWait(browser, 5).until(lambda b: card.is_displayed())
    assert browser.execute_script("return getComputedStyle(arguments[0]).outlineStyle", reference) != "none"
    browser.switch_to.active_element.send_keys(Keys.TAB)  # from the reference into its card, not a trap
    assert browser.execute_script("return arguments[0].contains(document.activeElement)", card)
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    WebDriverWait(browser, 5).until(lambda b: not card.is_displayed())
    assert browser.switch_to.active_element == reference


@pytest.mark.parametrize("name", ["nato", "japan", "claim", "content"])
def test_every_group_expanded_is_axe_clean(wide, live_server, name):
    browser = wide
    browser.get(live_server + PAGES[name])
    requested_urls(browser)
    expand_everything(browser)
    assert not browser.find_elements(By.CSS_SELECTOR, "details.more:not([open])")
    references = browser.find_elements(By.CSS_SELECTOR, "button.ref")
    if references:
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", references[-1])
        references[-1].click()
    assert run_axe(browser) == []
    shoot(browser, f"resource-{name}-expanded")
    assert_only_our_host(browser, live_server)


@pytest.mark.parametrize("name", list(PAGES))
def test_the_longest_pages_hold_the_length_budget_collapsed(wide, live_server, name):
    browser = wide
    browser.get(live_server + PAGES[name])
    height = browser.execute_script("return document.documentElement.scrollHeight")
    assert height <= BUDGET_PX, f"{PAGES[name]} is {height} px long"
    with urllib.request.urlopen(live_server + PAGES[name]) as response:
        assert len(response.read()) <= BUDGET_BYTES
    shoot(browser, f"resource-{name}-1200")


@pytest.mark.parametrize("name", list(PAGES))
def test_pages_read_at_390_px_without_sideways_scrolling(browser, live_server, name):
    browser.set_window_size(390, 900)
    try:
        browser.get(live_server + PAGES[name])
        expand_everything(browser)
        width = browser.execute_script("return document.documentElement.scrollWidth")
        viewport = browser.execute_script("return document.documentElement.clientWidth")
        assert width <= viewport, f"{PAGES[name]} scrolls sideways: {width} > {viewport}"
        shoot(browser, f"resource-{name}-390")
    finally:
        browser.set_window_size(1200, 1400)
