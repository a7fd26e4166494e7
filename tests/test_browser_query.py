"""The query page as a reader uses it, in headless Chromium: an example chosen from the list runs, its results
show names beside IRIs and plain values, the CSV/TSV downloads carry a label column; a mistyped query is
explained in words at its place and offers no download; Tab leaves the editor after Esc (or Ctrl+M); the endpoint
box waits behind "Advanced"; axe-core is clean with the editor holding every kind of token and with results;
neither the query page nor the home page scrolls sideways at 390 px; both stay within their length budget."""

from __future__ import annotations

from urllib.parse import quote

import pytest

pytest.importorskip("selenium")
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from .browsing import SHOTS, assert_only_our_host, requested_urls, run_axe  # noqa: E402

#: Page-length budgets in px, at 1200 px wide with the example list closed: the query page with CQ02's results
#: and the home page each fit in three screens of 900 px.
SCREEN, SCREENS = 900, 3
TROOPS = "CQ02"  # "Which countries had troops in Afghanistan …": Australia, about 1000, approximate
EVERY_TOKEN = """# every kind of token the editor colours
PREFIX nat: <https://w3id.org/natoasia/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?thing ?label (COUNT(?x) AS ?n) WHERE {
  ?thing a nat:State ; rdfs:label ?label .
  OPTIONAL { ?x ?p ?thing }
  FILTER(lang(?label) = "en" && 1 < 2.5 && true)
} GROUP BY ?thing ?label ORDER BY ?label LIMIT 20"""


def editor(browser):
    return WebDriverWait(browser, 20).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#yasgui .CodeMirror")))


def result_rows(browser):
    return WebDriverWait(browser, 20).until(lambda b: b.find_elements(By.CSS_SELECTOR, "#yasgui table.dataTable tbody tr a.iri"))


def run_example(browser, live_server, cq: str) -> None:
    browser.get(live_server + "/query")
    editor(browser)
    browser.find_element(By.CSS_SELECTOR, "#examples-box > summary").click()
    link = browser.find_element(By.XPATH, f"//ol[@id='examples']//a[starts-with(normalize-space(.), '{cq}')]")
    link.click()
    WebDriverWait(browser, 20).until(lambda b: cq in b.execute_script("return decodeURIComponent(location.search)"))
    result_rows(browser)


def row_of(browser, label: str):
    for row in browser.find_elements(By.CSS_SELECTOR, "#yasgui table.dataTable tbody tr"):
        if label in [a.text for a in row.find_elements(By.CSS_SELECTOR, "a.iri")]:
            return row
    raise AssertionError(f"no row names {label}")


def test_choosing_an_example_runs_it_and_the_table_shows_names_and_plain_values(browser, live_server):
    browser.set_window_size(1200, 1400)
    run_example(browser, live_server, TROOPS)
    requested_urls(browser)
    assert "/query?query=" in browser.current_url  # the address can be shared
    rows = browser.find_elements(By.CSS_SELECTOR, "#yasgui table.dataTable tbody tr")
    assert browser.find_element(By.ID, "query-status").get_attribute("textContent") == f"{len(rows)} results."  # for screen readers
    australia = row_of(browser, "Australia")
    link = australia.find_element(By.CSS_SELECTOR, "a.iri")
    assert link.get_attribute("href") == live_server + "/id/country/australia"
    assert link.get_attribute("title") == "https://w3id.org/natoasia/id/country/australia"
    assert australia.find_element(By.CSS_SELECTOR, ".iri-name").text == "country:australia"
    cells = [td.text for td in australia.find_elements(By.TAG_NAME, "td")]
    assert "1000" in cells and "yes" in cells  # not "1000"^^xsd:integer, not "true"^^xsd:boolean
    assert not any("^^" in c or "@en" in c or '"' in c for c in cells)
    headers = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#yasgui table.dataTable thead th")]
    assert "country" in headers and "country_label" not in headers  # the name sits in the IRI's own cell
    browser.save_screenshot(str(SHOTS / "query-example-1200.png"))
    assert run_axe(browser) == []
    assert_only_our_host(browser, live_server)


def download(browser, text: str) -> str:
    link = browser.find_element(By.LINK_TEXT, text)
    return browser.execute_async_script(
        "const done = arguments[arguments.length - 1]; fetch(arguments[0]).then(r => r.text()).then(done);",
        link.get_attribute("href"))


def test_the_csv_and_tsv_downloads_carry_a_label_column_beside_each_iri_column(browser, live_server):
    run_example(browser, live_server, TROOPS)
    csv = download(browser, "CSV with names").splitlines()
    assert csv[0].split(",")[:2] == ["country", "country_label"]
    assert any(line.startswith("https://w3id.org/natoasia/id/country/australia,Australia,1000,true,") for line in csv)
    tsv = download(browser, "TSV with names").splitlines()
    assert tsv[0].split("\t")[:2] == ["country", "country_label"]
    assert any(line.startswith("https://w3id.org/natoasia/id/country/singapore\tSingapore\t") for line in tsv)
    # YASR's own download button exports the same columns (its anchor's click is caught to read the blob).
    browser.execute_script("window.exported = []; const make = URL.createObjectURL;"
                           "URL.createObjectURL = b => { window.exported.push(b); return make.call(URL, b); };"
                           "HTMLAnchorElement.prototype.click = function () {};")
    browser.find_element(By.CSS_SELECTOR, "#yasgui .yasr_downloadIcon").click()
    exported = browser.execute_async_script(
        "const done = arguments[arguments.length - 1]; window.exported[window.exported.length - 1].text().then(done);")
    assert exported.splitlines()[0].startswith('"country","country_label"')
    assert '"https://w3id.org/natoasia/id/country/australia","Australia","1000"' in exported
    raw = {a.text: a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "#downloads a:not(.labelled)")}
    assert set(raw) == {"JSON", "XML", "CSV", "TSV"} and "format=csv" in raw["CSV"]


def test_a_mistyped_select_is_explained_in_words_at_its_place_and_offers_no_download(browser, live_server):
    browser.set_window_size(1200, 1400)
    run_example(browser, live_server, TROOPS)
    assert browser.find_element(By.ID, "downloads").is_displayed()
    code = editor(browser)
    browser.execute_script("arguments[0].CodeMirror.setValue('SELEC ?s WHERE { ?s ?p ?o }')", code)
    code.click()
    ActionChains(browser).key_down(Keys.CONTROL).send_keys(Keys.ENTER).key_up(Keys.CONTROL).perform()
    error = WebDriverWait(browser, 20).until(EC.visibility_of_element_located((By.ID, "query-error")))
    sentence = error.find_element(By.CSS_SELECTOR, ".error-sentence").text
    assert sentence == "Line 1, column 1: the query starts with 'SELEC', which is not a SPARQL keyword; did you mean SELECT?"
    assert "CONSTRUCT" not in error.text
    assert error.find_element(By.TAG_NAME, "mark").text == "SELEC"
    assert browser.find_element(By.CSS_SELECTOR, "#yasgui .server-error").text == "SELEC"
    assert not browser.find_element(By.ID, "downloads").is_displayed()
    assert browser.find_elements(By.CSS_SELECTOR, "#downloads a") == []
    assert not [e for e in browser.find_elements(By.CSS_SELECTOR, "#yasgui .yasr_downloadIcon, #yasgui table.dataTable")
                if e.is_displayed()]
    browser.save_screenshot(str(SHOTS / "query-error-1200.png"))
    assert run_axe(browser) == []


@pytest.mark.parametrize("query,sentence", [
    ("SELECT * WHERE { ?s nat:label ?o }",
     "Line 1, column 21: 'nat:label' uses the prefix 'nat:', which the query does not declare; "
     "add the line PREFIX nat: <https://w3id.org/natoasia/ontology#> at the top."),
    ('SELECT * WHERE { "abc }', 'Line 1, column 18: a string opened with " is not closed on its line or has a bad escape.'),
    ("INSERT DATA { <a> <b> <c> }", "Line 1, column 1: the query starts with INSERT, an update; this endpoint only "
                                    "answers questions (SELECT, CONSTRUCT, ASK or DESCRIBE) and never changes the graph."),
], ids=["undeclared-prefix", "open-string", "update"])
def test_query_errors_read_as_sentences(browser, live_server, query, sentence):
    browser.get(live_server + "/query?query=" + quote(query))
    error = WebDriverWait(browser, 20).until(EC.visibility_of_element_located((By.ID, "query-error")))
    assert error.find_element(By.CSS_SELECTOR, ".error-sentence").text == sentence


def active_in_editor(browser) -> bool:
    return browser.execute_script("return !!document.activeElement.closest('.CodeMirror')")


def test_tab_leaves_the_editor_after_escape_or_ctrl_m_as_the_hint_says(browser, live_server):
    browser.get(live_server + "/query")
    code = editor(browser)
    typing = code.find_element(By.CSS_SELECTOR, "textarea")
    hint = browser.find_element(By.ID, "editor-keys")
    assert hint.is_displayed() and "Esc" in hint.text and "Ctrl+M" in hint.text.replace(" + ", "+")
    assert typing.get_attribute("aria-describedby") == "editor-keys"
    code.click()
    before = browser.execute_script("return arguments[0].CodeMirror.getValue()", code)
    ActionChains(browser).send_keys(Keys.TAB).perform()
    assert active_in_editor(browser)  # Tab indents, as in any code editor
    assert browser.execute_script("return arguments[0].CodeMirror.getValue()", code) != before
    ActionChains(browser).send_keys(Keys.ESCAPE).send_keys(Keys.TAB).perform()
    assert not active_in_editor(browser)
    assert browser.execute_script("return document.activeElement.id") == "query-button" or \
        browser.execute_script("return !!document.activeElement.closest('#yasgui, #downloads, footer')")
    code.click()
    ActionChains(browser).send_keys(Keys.ESCAPE).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
    assert browser.execute_script("return document.activeElement.id") == "advanced"
    code.click()
    ActionChains(browser).key_down(Keys.CONTROL).send_keys("m").key_up(Keys.CONTROL).perform()
    assert "moves" in browser.find_element(By.ID, "editor-keys-status").text
    ActionChains(browser).send_keys(Keys.TAB).perform()
    assert not active_in_editor(browser)


def test_back_brings_the_previous_example_into_the_editor_and_runs_it(browser, live_server):
    run_example(browser, live_server, "CQ01")
    first = browser.execute_script("return document.querySelector('#yasgui .CodeMirror').CodeMirror.getValue()")
    link = browser.find_element(By.XPATH, "//ol[@id='examples']//a[starts-with(normalize-space(.), 'CQ02')]")
    link.click()
    WebDriverWait(browser, 20).until(lambda b: "CQ02" in b.execute_script("return decodeURIComponent(location.search)"))
    browser.back()
    WebDriverWait(browser, 20).until(
        lambda b: b.execute_script("return document.querySelector('#yasgui .CodeMirror').CodeMirror.getValue()") == first)
    assert first.startswith("# CQ01")


def test_the_share_pop_up_is_named_takes_the_keyboard_and_closes_on_escape(browser, live_server):
    run_example(browser, live_server, TROOPS)
    browser.find_element(By.CSS_SELECTOR, "#yasgui .yasqe_share").click()
    link = WebDriverWait(browser, 10).until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#yasgui .yasqe_sharePopup input")))
    assert browser.switch_to.active_element == link and link.get_attribute("aria-label")
    assert run_axe(browser) == []
    ActionChains(browser).send_keys(Keys.ESCAPE).perform()
    assert browser.find_elements(By.CSS_SELECTOR, "#yasgui .yasqe_sharePopup") == []
    assert "yasqe_share" in browser.switch_to.active_element.get_attribute("class")


def test_the_endpoint_box_and_settings_wait_behind_advanced(browser, live_server):
    browser.get(live_server + "/query")
    editor(browser)
    endpoint = browser.find_element(By.CSS_SELECTOR, "#yasgui .controlbar")
    assert not endpoint.is_displayed()
    advanced = browser.find_element(By.ID, "advanced")
    advanced.click()
    assert advanced.get_attribute("aria-expanded") == "true" and endpoint.is_displayed()
    assert run_axe(browser) == []
    advanced.click()
    assert not endpoint.is_displayed()


def test_the_editor_holding_every_kind_of_token_and_its_results_pass_axe(browser, live_server):
    browser.get(live_server + "/query?query=" + quote(EVERY_TOKEN))
    result_rows(browser)
    tokens = browser.execute_script(
        "return [...new Set([...document.querySelectorAll('#yasgui .CodeMirror-code span[class^=cm-]')]"
        ".flatMap(s => [...s.classList]))]")
    assert {"cm-comment", "cm-keyword", "cm-string", "cm-number", "cm-atom", "cm-string-2", "cm-variable-3"} <= set(tokens)
    assert run_axe(browser) == []
    code = editor(browser)
    browser.execute_script("const cm = arguments[0].CodeMirror; cm.replaceRange(' }}} \"', {line: cm.lineCount()})", code)
    WebDriverWait(browser, 10).until(lambda b: b.find_elements(By.CSS_SELECTOR, "#yasgui .CodeMirror .cm-error, #yasgui .parseErrorIcon"))
    browser.save_screenshot(str(SHOTS / "query-tokens-1200.png"))
    assert run_axe(browser) == []


@pytest.mark.parametrize("path", ["/", "/query?query=" + quote(EVERY_TOKEN)], ids=["home", "query"])
def test_home_and_query_pages_do_not_scroll_sideways_at_390_px(browser, live_server, path):
    browser.set_window_size(390, 900)
    try:
        browser.get(live_server + path)
        if "query" in path:
            result_rows(browser)
        wide = browser.execute_script(
            "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1"
            " && !e.closest('.CodeMirror, .dataTables_wrapper, pre')).map(e => e.tagName + '.' + e.className).slice(0, 5)")
        assert browser.execute_script("return document.documentElement.scrollWidth <= innerWidth"), wide
        name = "home" if path == "/" else "query"
        browser.save_screenshot(str(SHOTS / f"{name}-390.png"))
        assert run_axe(browser) == []
    finally:
        browser.set_window_size(1200, 1400)


@pytest.mark.parametrize("path", ["/", "/query?query=" + quote(EVERY_TOKEN)], ids=["home", "query"])
def test_home_and_query_pages_fit_their_length_budget(browser, live_server, path):
    browser.set_window_size(1200, 1400)
    browser.get(live_server + path)
    if "query" in path:
        result_rows(browser)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.save_screenshot(str(SHOTS / f"{'home' if path == '/' else 'query'}-1200.png"))
    assert height <= SCREENS * SCREEN, height
