"""/browse in headless Chromium: the facets narrow to ISAF's troop contributions (all of them, counted by SPARQL),
the selection is one click from its SPARQL, a page past the end says so, every page stays within its length
budget, axe-core is clean with a facet's hidden values open, and the page fits 390 px."""

from __future__ import annotations

import pytest

pytest.importorskip("selenium")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from natoasia.stores.embedded import run_query  # noqa: E402

from .browsing import SHOTS, assert_only_our_host, requested_urls, run_axe  # noqa: E402

#: The page-length budget of a /browse page at 1200 px wide, hidden facet values closed: four screens of 900 px.
BUDGET = 4 * 900

ISAF_TROOPS = """PREFIX nat: <https://w3id.org/natoasia/ontology#>
PREFIX schema: <https://schema.org/>
SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {
  ?c a nat:Contribution ; nat:contributionKind ?kind ; nat:deployedIn/nat:locatedIn* ?area .
  <https://w3id.org/natoasia/id/operation/isaf> schema:location ?area .
  FILTER(STRENDS(STR(?kind), "/troops")) }"""


def test_facets_narrow_the_facts_to_isafs_troop_contributions_all_of_them(browser, live_server, store):
    wait = WebDriverWait(browser, 20)
    browser.set_window_size(1200, 1400)
    browser.get(live_server + "/browse")
    requested_urls(browser)
    browser.find_element(By.CSS_SELECTOR, "#facet-kind a[href$='kind=Contribution']").click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#facet-kind .chosen")))
    isaf = browser.find_element(By.XPATH, "//section[@id='facet-framework']//a[normalize-space()="
                                          "'International Security Assistance Force']")
    count = int(isaf.find_element(By.XPATH, "following-sibling::span").text)
    isaf.click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#facet-framework .chosen")))
    assert "kind=Contribution" in browser.current_url and "framework=operation%2Fisaf" in browser.current_url
    facts = browser.find_elements(By.CSS_SELECTOR, "li.fact-hit")
    assert len(facts) == count
    troops = [f for f in facts if "troops" in f.text or "contingent" in f.text]
    assert len(troops) == int(list(run_query(store, ISAF_TROOPS))[0]["n"].value) >= 4
    assert any("Singapore" in f.text for f in troops)  # "very small contingent": missed before
    groups = browser.find_elements(By.CSS_SELECTOR, "li.sentence-group")
    assert all(g.find_elements(By.CSS_SELECTOR, "blockquote.quote") for g in groups)
    browser.save_screenshot(str(SHOTS / "browse-isaf.png"))
    assert run_axe(browser) == []
    browser.find_element(By.ID, "as-sparql").click()
    WebDriverWait(browser, 20).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#yasgui .CodeMirror")))
    rows = WebDriverWait(browser, 20).until(lambda b: b.find_elements(By.CSS_SELECTOR, "#yasgui table.dataTable tbody tr"))
    assert len({r.find_element(By.CSS_SELECTOR, "a.iri").text for r in rows}) == count
    assert_only_our_host(browser, live_server)


def test_a_page_past_the_end_says_so_in_words(browser, live_server):
    browser.get(live_server + "/browse?page=99")
    alert = browser.find_element(By.CSS_SELECTOR, "[role=alert]")
    assert "There is no page 99" in alert.text and "page 99 of" not in browser.page_source
    assert run_axe(browser) == []


def test_every_browse_page_keeps_within_its_length_budget(browser, live_server):
    browser.set_window_size(1200, 900)
    try:
        browser.get(live_server + "/browse")
        pages = int(browser.find_element(By.CSS_SELECTOR, "nav.pager").text.rsplit("of", 1)[1].split()[0])
        assert pages >= 5
        for page in range(1, pages + 1):
            browser.get(f"{live_server}/browse?page={page}")
            height = browser.execute_script("return document.documentElement.scrollHeight")
            assert height <= BUDGET, (page, height)
            quotes = [q.text for q in browser.find_elements(By.CSS_SELECTOR, "blockquote.quote p")]
            assert len(quotes) == len(set(quotes)), page  # each sentence once
    finally:
        browser.set_window_size(1200, 1400)


def test_browse_with_hidden_values_open_passes_axe_and_fits_390_px(browser, live_server):
    browser.set_window_size(390, 900)
    try:
        browser.get(live_server + "/browse")
        more = browser.find_element(By.CSS_SELECTOR, "#facet-actor details.more-values summary")
        more.click()
        assert browser.find_element(By.CSS_SELECTOR, "#facet-actor details.more-values").get_attribute("open") is not None
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
        browser.save_screenshot(str(SHOTS / "browse-390.png"))
        assert run_axe(browser) == []
    finally:
        browser.set_window_size(1200, 1400)
