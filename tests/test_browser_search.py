"""Search as a reader uses it, in headless Chromium: typed in the header's box, results grouped by kind, a
facet link followed into ``/browse``, "did you mean" for a misspelt word, the note when not every word matched;
axe-core with every group opened, 390 px without sideways scrolling, and a page-length budget."""

from __future__ import annotations

from urllib.parse import quote

import pytest

pytest.importorskip("selenium")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from .browsing import SHOTS, assert_only_our_host, requested_urls, run_axe  # noqa: E402

#: The page-length budget: with the groups as served (the first three open, the others closed), a search is no
#: longer than three screens of 900 px at 1200 px wide, or five at 390 px. :data:`BROAD` are the longest pages
#: of the reader queries of tests/search_queries.tsv (2 306 and 3 586 px when measured) and of one-word searches.
SCREEN, SCREENS_WIDE, SCREENS_NARROW = 900, 3, 5
BROAD = ["contributing countries say", "who pays for police in Afghanistan", "International Security Assistance Force Australia",
         "Afganistan", "NATO", "Asia"]


def search_for(browser, live_server, text: str) -> None:
    """Type ``text`` in the header's search box of the home page and send it, as a reader does."""
    browser.get(live_server + "/")
    box = browser.find_element(By.ID, "site-search")
    box.send_keys(text, Keys.ENTER)
    WebDriverWait(browser, 20).until(EC.presence_of_element_located((By.ID, "search-summary")))


def open_every_group(browser) -> None:
    for summary in browser.find_elements(By.CSS_SELECTOR, "details.result-group:not([open]) > summary"):
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", summary)
        summary.click()
    assert not browser.find_elements(By.CSS_SELECTOR, "details.result-group:not([open])")


def page_height(browser) -> int:
    return browser.execute_script("return document.documentElement.scrollHeight")


def sideways(browser) -> int:
    return browser.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_a_reader_finds_the_troop_contributors_grouped_and_follows_a_facet_link(browser, live_server):
    browser.set_window_size(1200, 1400)
    search_for(browser, live_server, "troops Afghanistan")
    requested_urls(browser)
    groups = browser.find_elements(By.CSS_SELECTOR, "details.result-group")
    assert groups[0].get_attribute("id") == "group-facts" and groups[0].get_attribute("open")
    assert groups[0].find_element(By.TAG_NAME, "summary").text.startswith("Facts (")
    singapore = groups[0].find_element(By.CSS_SELECTOR, "a[href$='/id/contribution/singapore-contingent-afghanistan']")
    assert singapore.is_displayed() and "very small contingent" in singapore.text
    assert len({g.get_attribute("id") for g in groups}) == len(groups) >= 3
    browser.save_screenshot(str(SHOTS / "search-grouped.png"))
    open_every_group(browser)
    assert run_axe(browser) == []
    facet = groups[0].find_element(By.PARTIAL_LINK_TEXT, "contributions")
    assert facet.text.startswith("Browse all ")
    facet.click()
    WebDriverWait(browser, 20).until(EC.url_contains("/browse?kind=Contribution"))
    assert browser.find_elements(By.CSS_SELECTOR, "a[href$='/id/contribution/singapore-contingent-afghanistan']")
    assert_only_our_host(browser, live_server)


def test_a_misspelt_search_says_did_you_mean_and_shows_what_was_meant(browser, live_server):
    browser.set_window_size(1200, 1400)
    search_for(browser, live_server, "Afganistan")
    suggestion = browser.find_element(By.CSS_SELECTOR, ".search-suggestion")
    assert suggestion.text == "Did you mean Afghanistan?"
    assert "showing results for “Afghanistan”" in browser.find_element(By.CSS_SELECTOR, ".search-note").text
    first = browser.find_element(By.CSS_SELECTOR, "ol.hits a.hit-title")
    assert first.text == "Afghanistan" and first.get_attribute("href").endswith("/id/country/afghanistan")
    assert run_axe(browser) == []
    suggestion.find_element(By.TAG_NAME, "a").click()
    WebDriverWait(browser, 20).until(EC.title_contains("Search: Afghanistan"))
    assert not browser.find_elements(By.CSS_SELECTOR, ".search-suggestion")


def test_a_search_without_every_word_says_so_and_groups_open_and_close_by_keyboard(browser, live_server):
    browser.set_window_size(1200, 1400)
    search_for(browser, live_server, "contributing countries say")
    note = browser.find_element(By.CSS_SELECTOR, ".search-note").text
    assert note == "No result has all of “contributing countries say”; showing results with any of them."
    closed = browser.find_element(By.CSS_SELECTOR, "details.result-group:not([open]) > summary")
    browser.execute_script("arguments[0].focus()", closed)
    assert browser.execute_script("return getComputedStyle(arguments[0]).outlineStyle", closed) != "none"
    closed.send_keys(Keys.ENTER)
    assert closed.find_element(By.XPATH, "..").get_attribute("open")
    closed.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.tag_name == "a"  # into the group just opened: no trap
    open_every_group(browser)
    browser.save_screenshot(str(SHOTS / "search-any-word.png"))
    assert run_axe(browser) == []


@pytest.mark.parametrize("width, screens", [(1200, SCREENS_WIDE), (390, SCREENS_NARROW)])
def test_search_pages_keep_to_their_length_budget_and_never_scroll_sideways(browser, live_server, width, screens):
    browser.set_window_size(width, SCREEN)
    for text in BROAD:
        browser.get(live_server + "/search?q=" + quote(text))
        assert page_height(browser) <= screens * SCREEN, (text, page_height(browser))
        assert sideways(browser) <= 0, text
    browser.get(live_server + "/search?q=" + quote("troops Afghanistan"))
    open_every_group(browser)
    assert sideways(browser) <= 0
    browser.save_screenshot(str(SHOTS / f"search-{width}.png"))
    if width == 390:
        assert run_axe(browser) == []
