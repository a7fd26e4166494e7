"""The site as a person uses it, in headless Chromium (Debian's chromium and chromium-driver): search, facets,
the query editor, keyboard use, axe-core on every page, and no request to any other host."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

pytest.importorskip("selenium")
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from .browsing import SHOTS, assert_only_our_host, requested_urls, run_axe  # noqa: E402

STATES = quote("SELECT ?s WHERE { ?s a <https://w3id.org/natoasia/ontology#State> }")
PAGES = {"home": "/", "resource": "/id/country/japan", "query": "/query?query=" + STATES,
         "search": "/search?q=Singapore", "browse": "/browse?kind=Contribution", "downloads": "/downloads",
         "ontology": "/ontology", "pictures": "/pictures", "argument": "/argument"}


def editor(browser):
    return WebDriverWait(browser, 20).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#yasgui .CodeMirror")))


def test_a_first_time_visitor_finds_singapore_by_keyboard(browser, live_server):
    browser.get(live_server + "/")
    requested_urls(browser)
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.text == "Skip to content"
    for _ in range(12):  # through the skip link and the menu to the search box
        if browser.switch_to.active_element.get_attribute("id") == "site-search":
            break
        browser.switch_to.active_element.send_keys(Keys.TAB)
    search = browser.switch_to.active_element
    assert search.get_attribute("id") == "site-search"
    search.send_keys("singapore", Keys.ENTER)
    WebDriverWait(browser, 20).until(EC.presence_of_element_located((By.ID, "search-summary")))
    hits = browser.find_elements(By.CSS_SELECTOR, "ol.hits li")
    first = hits[0].find_element(By.CSS_SELECTOR, "a")
    assert first.text == "Singapore" and first.get_attribute("href").endswith("/id/country/singapore")
    assert any("very small contingent" in h.text for h in hits)
    assert browser.find_elements(By.CSS_SELECTOR, "ol.hits mark")
    browser.save_screenshot(str(SHOTS / "search.png"))
    first.send_keys(Keys.ENTER)
    WebDriverWait(browser, 20).until(EC.title_contains("Singapore"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Singapore"
    assert_only_our_host(browser, live_server)


def test_a_reader_follows_a_research_question_to_the_claims_that_answer_it(browser, live_server):
    browser.get(live_server + "/argument?question=2")  # narrowed to it, its answers open
    requested_urls(browser)
    question = browser.find_element(By.ID, "state-of-nato-asia-pacific-relations")
    assert "RESEARCH QUESTION 2" in question.find_element(By.TAG_NAME, "h3").text.upper()
    claims = [a for a in question.find_elements(By.CSS_SELECTOR, "li.answer") if "CLAIM" in
              a.find_element(By.CSS_SELECTOR, ".answer-head .node-kind").text.upper()]
    assert len(claims) >= 3
    assert any(a.find_elements(By.CSS_SELECTOR, "dl.links dt") for a in claims)  # reasons, evidence … are drawn
    browser.execute_script("arguments[0].scrollIntoView()", question)
    browser.save_screenshot(str(SHOTS / "argument.png"))
    link = claims[0].find_element(By.CSS_SELECTOR, ".answer-head > a")
    label = link.text
    link.click()
    WebDriverWait(browser, 20).until(EC.presence_of_element_located((By.CSS_SELECTOR, "blockquote.quote")))
    assert browser.find_element(By.TAG_NAME, "h1").text == label and "/id/claim/" in browser.current_url
    assert_only_our_host(browser, live_server)


def test_the_editor_completes_our_terms_runs_and_links_results_to_our_pages(browser, live_server, store):
    contributions = len(list(store.query("SELECT ?c WHERE { ?c a <https://w3id.org/natoasia/ontology#Contribution> }",
                                         use_default_graph_as_union=True)))
    browser.get(live_server + "/query")
    requested_urls(browser)
    code = editor(browser)
    browser.execute_script("arguments[0].CodeMirror.setValue('')", code)
    code.click()
    typing = code.find_element(By.CSS_SELECTOR, "textarea")
    typing.send_keys("SELECT ?c WHERE { ?c a nat:Contr")
    ActionChains(browser).key_down(Keys.CONTROL).send_keys(" ").key_up(Keys.CONTROL).perform()
    hints = WebDriverWait(browser, 10).until(lambda b: b.find_elements(By.CSS_SELECTOR, ".CodeMirror-hints li"))
    assert [h.text for h in hints][:1] == ["nat:Contribution"]
    browser.save_screenshot(str(SHOTS / "query-autocomplete.png"))
    typing.send_keys(Keys.ENTER, " }")
    text = browser.execute_script("return arguments[0].CodeMirror.getValue()", code)
    assert text == ("PREFIX nat: <https://w3id.org/natoasia/ontology#>\n"  # the prefix was added from our table
                    "SELECT ?c WHERE { ?c a nat:Contribution }")
    ActionChains(browser).key_down(Keys.CONTROL).send_keys(Keys.ENTER).key_up(Keys.CONTROL).perform()
    rows = WebDriverWait(browser, 20).until(lambda b: b.find_elements(By.CSS_SELECTOR, "#yasgui table.dataTable tbody tr"))
    assert len(rows) == contributions > 10
    link = rows[0].find_element(By.CSS_SELECTOR, "a.iri")
    assert link.get_attribute("href").startswith(live_server + "/id/contribution/")
    downloads = {a.text: a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#downloads a")}
    assert set(downloads) == {"CSV with names", "TSV with names", "JSON", "XML", "CSV", "TSV"} and "format=csv" in downloads["CSV"]
    assert "/query?query=PREFIX" in browser.current_url  # the address can be shared
    browser.save_screenshot(str(SHOTS / "query.png"))
    link.click()
    WebDriverWait(browser, 20).until(EC.presence_of_element_located((By.CSS_SELECTOR, "blockquote.quote")))
    assert "/id/contribution/" in browser.current_url
    assert_only_our_host(browser, live_server)


def test_the_competency_questions_load_into_the_editor(browser, live_server):
    browser.get(live_server + "/query")
    code = editor(browser)
    browser.find_element(By.CSS_SELECTOR, "#examples-box > summary").click()
    options = browser.find_elements(By.CSS_SELECTOR, "#examples a[data-example]")
    assert len(options) == len(list((Path(__file__).resolve().parents[1] / "queries").glob("CQ*.rq")))
    options[1].click()
    text = browser.execute_script("return arguments[0].CodeMirror.getValue()", code)
    assert text.startswith("#") and "SELECT" in text.upper()


@pytest.mark.parametrize("query,position,marked", [
    ("SELECT%20*%20WHERE%20%7B%20%3Fs%20%3Fp%20%7D", "Line 1, column 25", "}"),  # the store's parser: "at L:C"
    ("SELECT%20*%20WHERE%20%7B%20%22abc%20%7D", "Line 1, column 18", '"'),  # the query check: "at line L, column C"
], ids=["store-parser", "query-check"])
def test_query_errors_are_marked_where_they_are(browser, live_server, query, position, marked):
    browser.get(live_server + "/query?query=" + query)
    error = WebDriverWait(browser, 20).until(EC.visibility_of_element_located((By.ID, "query-error")))
    assert error.text.count("HTTP 400") == 1 and position in error.text
    mark = WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#yasgui .server-error")))
    assert mark.text == marked


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_passes_axe_and_loads_nothing_from_other_hosts(browser, live_server, name):
    browser.get(live_server + PAGES[name])
    if name == "query":
        WebDriverWait(browser, 20).until(lambda b: b.find_elements(By.CSS_SELECTOR, "#yasgui table.dataTable tbody tr"))
    browser.save_screenshot(str(SHOTS / f"page-{name}.png"))
    assert run_axe(browser) == []
    assert_only_our_host(browser, live_server)
