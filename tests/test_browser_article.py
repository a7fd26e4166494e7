"""The reader's edition in headless Chromium: a reader opens ``/article``, follows a deep link to a sentence, opens
what the graph took from a sentence by keyboard, follows a statement to its page and comes back through a sentence
page's "Read it in the article"; the legend marks one kind; 390 px wide reads without sideways scrolling; axe-core
finds nothing serious or critical with the panel open; and the stated page-length budgets hold."""

from __future__ import annotations

import pytest

pytest.importorskip("selenium")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from natoasia.stores.embedded import run_query  # noqa: E402

from .browsing import SHOTS, assert_only_our_host, requested_urls, run_axe  # noqa: E402

SCREEN = 900
#: Budgets, measured at 1200 px wide with everything collapsed: the article's page is its text plus at most one
#: screen (heading, lead and footer; contents and legend stand beside the text); a sentence page, even the one the
#: graph took most from, is at most three screens.
ARTICLE_EXTRA, SENTENCE_SCREENS = SCREEN, 3


def active(browser):
    return browser.switch_to.active_element


def panel_open(browser) -> bool:
    return browser.execute_script("const p = document.getElementById('panel'); return !p.hidden && "
                                  "p.querySelectorAll('li.node').length > 0;")


def narrow(browser, on: bool) -> None:
    """390 px wide, as a phone (Chromium's device metrics), or back to the window's own size."""
    if on:
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    else:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def sideways(browser) -> int:
    return browser.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_a_reader_reads_the_article_opens_a_sentence_by_keyboard_and_comes_back_from_its_statements(
        browser, live_server):
    wait = WebDriverWait(browser, 20)
    browser.get(live_server + "/article")
    requested_urls(browser)
    assert [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".reader-toc a")][:1] == ["Introduction"]
    assert len(browser.find_elements(By.CSS_SELECTOR, ".reader-toc a")) == 4
    assert run_axe(browser) == []
    browser.save_screenshot(str(SHOTS / "article.png"))

    browser.get(live_server + "/article#s045")
    target = wait.until(lambda b: b.execute_script("return document.querySelector(':target')"))
    assert target.get_attribute("id") == "s045"
    assert browser.execute_script("const r = arguments[0].getBoundingClientRect(); return r.top >= 0 && "
                                  "r.bottom <= window.innerHeight;", target)
    highlight = "return getComputedStyle(document.querySelector(arguments[0] + ' .t')).backgroundColor"
    assert browser.execute_script(highlight, "#s045") != browser.execute_script(highlight, "#s046")

    browser.find_element(By.CSS_SELECTOR, "#s045 .m").send_keys("j")  # to the next sentence
    assert active(browser).get_attribute("href").endswith("/id/sentence/s046")
    active(browser).send_keys(Keys.ENTER)
    wait.until(panel_open)
    assert browser.find_element(By.ID, "panel-title").text == "Sentence 46"
    assert browser.find_element(By.CSS_SELECTOR, "#s046 .m").get_attribute("aria-expanded") == "true"
    assert active(browser).get_attribute("id") == "panel"
    browser.execute_script("document.querySelectorAll('#panel details').forEach(d => d.open = true)")
    assert run_axe(browser) == []
    browser.save_screenshot(str(SHOTS / "article-panel.png"))

    active(browser).send_keys(Keys.ESCAPE)
    assert browser.find_element(By.ID, "panel").get_attribute("hidden") is not None
    assert active(browser).get_attribute("href").endswith("/id/sentence/s046")
    active(browser).send_keys(Keys.SPACE)
    wait.until(panel_open)
    first = browser.find_element(By.CSS_SELECTOR, "#panel li.node .node-head a")
    label, href = first.text, first.get_attribute("href")
    for _ in range(20):  # Tab from the panel to the first statement's link
        if active(browser).get_attribute("href") == href:
            break
        active(browser).send_keys(Keys.TAB)
    assert active(browser).get_attribute("href") == href
    active(browser).send_keys(Keys.ENTER)
    wait.until(EC.url_to_be(href))
    assert browser.find_element(By.TAG_NAME, "h1").text == label

    browser.get(live_server + "/id/sentence/s046")
    assert run_axe(browser) == []
    back = browser.find_element(By.CSS_SELECTOR, "a.read-in-article")
    back.send_keys(Keys.ENTER)
    wait.until(EC.url_contains("/article#s046"))
    assert wait.until(lambda b: b.execute_script("return document.querySelector(':target')")).get_attribute("id") == "s046"
    assert_only_our_host(browser, live_server)


def test_the_legend_marks_only_the_sentences_of_one_kind(browser, live_server):
    browser.get(live_server + "/article")
    proposals = browser.find_elements(By.CSS_SELECTOR, ".text .s.k-proposal")
    assert proposals
    browser.find_element(By.CSS_SELECTOR, '.kinds-legend a[data-kind="proposal"]').click()
    assert "only-proposal" in browser.find_element(By.ID, "reader").get_attribute("class")
    assert browser.current_url.endswith("?only=proposal")
    shown = [g for g in browser.find_elements(By.CSS_SELECTOR, ".text .m .glyph") if g.is_displayed()]
    assert len(shown) == len(proposals) and all("k-proposal" in g.get_attribute("class") for g in shown)
    assert "Proposals" in browser.find_element(By.ID, "filter-status").get_attribute("textContent")
    proposals[0].find_element(By.CSS_SELECTOR, ".m").send_keys("j")  # j moves to the next proposal
    assert active(browser).get_attribute("href").endswith("/id/sentence/" + proposals[1].get_attribute("id"))
    assert run_axe(browser) == []
    browser.find_element(By.CSS_SELECTOR, ".kinds-legend a.show-all").click()
    assert "only-" not in browser.find_element(By.ID, "reader").get_attribute("class")


def test_the_pages_stay_within_their_length_budgets(browser, live_server, store):
    browser.get(live_server + "/article")
    height, text = browser.execute_script("return [document.documentElement.scrollHeight, "
                                          "document.querySelector('.text').offsetHeight]")
    assert height <= text + ARTICLE_EXTRA, (height, text)
    busiest = next(iter(run_query(store, """PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?s (COUNT(?n) AS ?k) WHERE { ?n prov:wasDerivedFrom ?s } GROUP BY ?s ORDER BY DESC(?k) LIMIT 1""")))
    browser.get(live_server + "/id/sentence/" + busiest["s"].value.rsplit("/", 1)[-1])
    assert browser.find_elements(By.CSS_SELECTOR, "details.more")  # the longest group is collapsed
    height = browser.execute_script("return document.documentElement.scrollHeight")
    assert height <= SENTENCE_SCREENS * SCREEN, height
    browser.save_screenshot(str(SHOTS / "sentence.png"))


def test_at_390_px_the_text_reads_without_sideways_scrolling_and_statements_open_under_their_sentence(
        browser, live_server):
    narrow(browser, True)
    try:
        browser.get(live_server + "/article")
        assert sideways(browser) <= 0
        mark = browser.find_element(By.CSS_SELECTOR, "#s093 .m")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", mark)
        mark.send_keys(Keys.ENTER)
        WebDriverWait(browser, 20).until(panel_open)
        assert browser.execute_script("return document.getElementById('panel').previousElementSibling.id") == "s093"
        assert browser.execute_script("return document.getElementById('panel').getBoundingClientRect().top >= "
                                      "document.querySelector('#s093 .m').getBoundingClientRect().bottom")
        assert sideways(browser) <= 0
        assert run_axe(browser) == []
        browser.save_screenshot(str(SHOTS / "article-panel-narrow.png"))
        browser.get(live_server + "/id/sentence/s093")
        assert sideways(browser) <= 0
        browser.save_screenshot(str(SHOTS / "sentence-narrow.png"))
    finally:
        narrow(browser, False)
