"""The pictures page in headless Chromium: no label overlaps or is cut off in any filter state; the network
filters by kind, framework and country, lights up a node's neighbours on hover and on keyboard focus (Escape
clears); the timeline shows the 1992 NACC event and the Cold War period as a bar; axe-core is clean in every
state; the page fits 390 px and its length budget."""

from __future__ import annotations

import pytest

pytest.importorskip("selenium")
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from .browsing import SHOTS, assert_only_our_host, run_axe  # noqa: E402

#: The page-length budget of /pictures at 1200 px wide, lists collapsed: three screens of 900 px.
BUDGET = 3 * 900

OVERLAPS = """
const svg = document.getElementById(arguments[0]), frame = svg.getBoundingClientRect();
const boxes = [...svg.querySelectorAll(arguments[1])].map(e => [e.textContent, e.getBoundingClientRect()])
  .filter(([t, b]) => b.width > 0 || b.height > 0);
const out = [];
for (let i = 0; i < boxes.length; i++) {
  const [t, b] = boxes[i];
  if (b.left < frame.left - 0.5 || b.right > frame.right + 0.5 || b.top < frame.top - 0.5 || b.bottom > frame.bottom + 0.5)
    out.push(t + " is cut off");
  for (let j = i + 1; j < boxes.length; j++) {
    const [u, c] = boxes[j];
    if (Math.min(b.right, c.right) - Math.max(b.left, c.left) > 0.5 && Math.min(b.bottom, c.bottom) - Math.max(b.top, c.top) > 0.5)
      out.push(t + " overlaps " + u);
  }
}
return [boxes.length, out];"""

CHOOSE = """const select = document.getElementById(arguments[0]); select.value = arguments[1];
select.dispatchEvent(new Event('change', {bubbles: true}));"""


def open_pictures(browser, live_server):
    browser.set_window_size(1200, 1400)
    browser.get(live_server + "/pictures")
    return WebDriverWait(browser, 20).until(EC.presence_of_element_located((By.ID, "network-picture")))


def shown(svg) -> list[str]:
    return sorted(a.get_dom_attribute("href").rsplit("/", 1)[-1]
                  for a in svg.find_elements(By.CSS_SELECTOR, "a.node") if a.is_displayed())


def test_no_label_of_the_pictures_overlaps_another_or_a_node_or_is_cut_off_in_any_filter_state(browser, live_server):
    """Measured on the layout Chromium renders, not on the server's estimate: every framework and every
    country chosen in turn (the view then fits the chosen network)."""
    open_pictures(browser, live_server)
    count, problems = browser.execute_script(OVERLAPS, "network-picture", "a.node text, a.node circle")
    assert count > 40 and problems == []
    for select in ("network-framework", "network-country"):
        values = browser.execute_script(
            f"return [...document.querySelectorAll('#{select} option')].map(o => o.value).filter(v => v)")
        assert len(values) >= 5
        for value in values:
            browser.execute_script(CHOOSE, select, value)
            count, problems = browser.execute_script(OVERLAPS, "network-picture", "a.node text, a.node circle")
            assert count >= 4 and problems == [], value
        browser.execute_script(CHOOSE, select, "")
    count, problems = browser.execute_script(OVERLAPS, "timeline-picture", "a.event text, a.source text, a.event circle")
    assert count > 40 and problems == []
    browser.get(live_server + "/ontology")
    WebDriverWait(browser, 20).until(EC.presence_of_element_located((By.ID, "ontology-picture")))
    count, problems = browser.execute_script(OVERLAPS, "ontology-picture", "a.node text, a.node circle")
    assert count > 100 and problems == []


def test_the_network_filters_by_framework_and_kind_and_zooms_and_pans(browser, live_server):
    svg = open_pictures(browser, live_server)
    everything = shown(svg)
    browser.find_element(By.CSS_SELECTOR, "#network-framework option[value$='/tailored-cooperation-programme']").click()
    tcp = shown(svg)
    assert {"tailored-cooperation-programme", "nato", "japan", "australia", "singapore", "new-zealand",
            "south-korea"} <= set(tcp)
    assert len(tcp) < len(everything) and "mediterranean-dialogue" not in tcp
    assert "the network of Tailored Cooperation Programme" in browser.find_element(By.ID, "network-status").text
    assert run_axe(browser) == []
    paths = {a.get_dom_attribute("href") for a in svg.find_elements(By.CSS_SELECTOR, "a.node") if a.is_displayed()}
    visible_edges = [e for e in svg.find_elements(By.CSS_SELECTOR, ".edge") if e.is_displayed()]
    assert visible_edges and all(set(e.get_attribute("data-ends").split()) <= paths for e in visible_edges)
    browser.find_element(By.CSS_SELECTOR, "#network-controls input[value='state']").click()
    assert "japan" not in shown(svg) and "tailored-cooperation-programme" in shown(svg)
    view_box = lambda: browser.execute_script("return arguments[0].getAttribute('viewBox')", svg)
    before = view_box()
    browser.find_element(By.CSS_SELECTOR, "button[data-zoom='in']").click()
    zoomed = view_box()
    assert float(zoomed.split()[2]) < float(before.split()[2])
    ActionChains(browser).move_to_element(svg).click_and_hold().move_by_offset(60, 40).release().perform()
    assert view_box().split()[:2] != zoomed.split()[:2]
    browser.find_element(By.CSS_SELECTOR, "button[data-zoom='reset']").click()
    assert [float(v) for v in view_box().split()] == [float(v) for v in before.split()]


def test_the_network_picture_is_drawn(browser, live_server):
    svg = open_pictures(browser, live_server)
    assert svg.size["width"] > 400 and svg.size["height"] > 200
    assert len(browser.find_elements(By.CSS_SELECTOR, "#network-picture a.node")) > 20
    assert browser.find_elements(By.CSS_SELECTOR, "#network-picture .edge-contribution")
    assert browser.find_elements(By.CSS_SELECTOR, "#timeline-picture a.event")
    browser.save_screenshot(str(SHOTS / "pictures.png"))


def test_the_country_filter_shows_a_countrys_network(browser, live_server):
    svg = open_pictures(browser, live_server)
    japan = svg.find_element(By.CSS_SELECTOR, "a.node[href='/id/country/japan']")
    neighbours = {h.rsplit("/", 1)[-1] for h in japan.get_dom_attribute("data-near").split()}
    assert {"nato", "tailored-cooperation-programme", "isaf"} <= neighbours
    browser.find_element(By.CSS_SELECTOR, "#network-country option[value='/id/country/japan']").click()
    assert set(shown(svg)) == neighbours | {"japan"}
    assert "india" not in shown(svg)
    edges = [e for e in svg.find_elements(By.CSS_SELECTOR, ".edge") if e.is_displayed()]
    assert any(e.get_attribute("data-kinds") == "contribution" for e in edges)  # Japan → ISAF, drawn as such
    assert "the network of Japan" in browser.find_element(By.ID, "network-status").text
    browser.save_screenshot(str(SHOTS / "pictures-country-japan.png"))
    assert run_axe(browser) == []


def lit(svg) -> tuple[bool, set[str]]:
    highlighting = "highlighting" in svg.get_attribute("class")
    return highlighting, {a.get_dom_attribute("href").rsplit("/", 1)[-1] for a in svg.find_elements(By.CSS_SELECTOR, "a.node.lit")}


def test_hovering_and_focusing_a_node_lights_up_its_neighbours_and_escape_clears(browser, live_server):
    svg = open_pictures(browser, live_server)
    japan = svg.find_element(By.CSS_SELECTOR, "a.node[href='/id/country/japan']")
    neighbours = {h.rsplit("/", 1)[-1] for h in japan.get_dom_attribute("data-near").split()}
    ActionChains(browser).move_to_element(japan.find_element(By.CSS_SELECTOR, "circle")).perform()
    highlighting, nodes = lit(svg)
    assert highlighting and nodes == neighbours | {"japan"}
    india = svg.find_element(By.CSS_SELECTOR, "a.node[href='/id/country/india']")
    assert float(india.value_of_css_property("opacity")) < 0.5 <= float(japan.value_of_css_property("opacity"))
    lit_edges = svg.find_elements(By.CSS_SELECTOR, ".edge.lit")
    assert lit_edges and all("/id/country/japan" in e.get_attribute("data-ends").split() for e in lit_edges)
    browser.save_screenshot(str(SHOTS / "pictures-hover-japan.png"))
    assert run_axe(browser) == []
    ActionChains(browser).move_by_offset(0, 400).perform()  # away from the picture
    assert lit(svg)[0] is False
    # the keyboard: from the picture, Tab reaches the first node and lights it up; Escape clears
    browser.execute_script("arguments[0].focus()", svg)
    ActionChains(browser).send_keys(Keys.TAB).perform()
    focused = browser.switch_to.active_element
    assert "node" in (focused.get_attribute("class") or "")
    near = {h.rsplit("/", 1)[-1] for h in focused.get_dom_attribute("data-near").split()}
    highlighting, nodes = lit(svg)
    assert highlighting and nodes == near | {focused.get_dom_attribute("href").rsplit("/", 1)[-1]}
    ActionChains(browser).send_keys(Keys.ESCAPE).perform()
    assert lit(svg) == (False, set())
    assert browser.switch_to.active_element == focused  # Escape clears, it does not trap or move focus


def test_the_timeline_shows_the_1992_nacc_event_and_the_cold_war_period_as_a_span(browser, live_server):
    open_pictures(browser, live_server)
    nacc = browser.find_element(By.CSS_SELECTOR, "#timeline-picture a.event[href='/id/membership/central-asian-states-nacc']")
    assert nacc.is_displayed() and "North Atlantic Cooperation Council" in nacc.text and "1992" not in nacc.text
    period = browser.find_element(By.CSS_SELECTOR, "#timeline-picture a.event[href='/id/event/nato-cold-war-mission'] rect")
    ticks = browser.execute_script("""return [...document.querySelectorAll('#timeline-picture text')]
        .filter(t => /^(1950|1990)$/.test(t.textContent)).map(t => t.getBoundingClientRect().x)""")
    assert period.rect["width"] > 0.9 * (ticks[1] - ticks[0])  # 1949 to 1989/90: four decades wide
    browser.find_element(By.CSS_SELECTOR, "details.timeline-list summary").click()
    browser.find_element(By.CSS_SELECTOR, "#dated-in-words summary").click()
    browser.save_screenshot(str(SHOTS / "pictures-lists-open.png"))
    assert run_axe(browser) == []
    assert_only_our_host(browser, live_server)


def test_the_pictures_page_fits_390_px_and_its_length_budget(browser, live_server):
    open_pictures(browser, live_server)
    assert browser.execute_script("return document.documentElement.scrollHeight") <= BUDGET
    browser.set_window_size(390, 900)
    try:
        browser.get(live_server + "/pictures")
        WebDriverWait(browser, 20).until(EC.presence_of_element_located((By.ID, "network-picture")))
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
        browser.save_screenshot(str(SHOTS / "pictures-390.png"))
        assert run_axe(browser) == []
    finally:
        browser.set_window_size(1200, 1400)
