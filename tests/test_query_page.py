"""The query page and the home page as served (no browser): examples are links that run their query, the keys
that leave the editor are said in a hint the editor points to, the endpoint box waits behind "Advanced", every
colour the editor gives a token reads at 4.5:1 on white, and the home page's cards stay short."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import unquote

STATIC = Path(__file__).resolve().parents[1] / "server" / "natoasia" / "site" / "static"
QUERIES = Path(__file__).resolve().parents[1] / "queries"


def luminance(colour: str) -> float:
    hexa = colour.lstrip("#")
    if len(hexa) == 3:
        hexa = "".join(c * 2 for c in hexa)
    channels = [int(hexa[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_example_is_a_link_that_opens_and_runs_its_query(client):
    page = client.get("/query").get_data(as_text=True)
    links = re.findall(r'<a href="/query\?query=([^"]+)" data-example="(\d+)">', page)
    questions = sorted(QUERIES.glob("CQ*.rq"))
    assert len(links) == len(questions) > 30
    first = unquote(unescape(links[0][0]).replace("+", " "))
    assert first == questions[0].read_text(encoding="utf-8")


def test_the_hint_says_how_to_leave_the_editor(client):
    page = client.get("/query").get_data(as_text=True)
    hint = re.search(r'<p id="editor-keys"[^>]*>(.*?)</p>', page, re.S).group(1)
    text = re.sub(r"<[^>]+>", "", hint)
    assert "To leave the editor, press Esc then Tab" in " ".join(text.split())
    assert "Ctrl+M" in text.replace(" ", "")
    assert '"Esc"' in (STATIC / "query.js").read_text(encoding="utf-8")  # the key the hint names is bound
    assert 'setAttribute("aria-describedby", "editor-keys")' in (STATIC / "query.js").read_text(encoding="utf-8")


def test_the_endpoint_box_waits_behind_advanced(client):
    page = client.get("/query").get_data(as_text=True)
    assert '<button type="button" id="advanced" aria-expanded="false" aria-controls="yasgui">' in page
    css = (STATIC / "query.css").read_text(encoding="utf-8")
    assert "#yasgui:not(.show-advanced) .controlbar" in css


def test_every_token_colour_of_the_editor_reads_at_4_5_to_1_on_white():
    css = (STATIC / "query.css").read_text(encoding="utf-8")
    rules = re.findall(r"([^{}]*\.cm-[^{}]*)\{[^}]*?(?<!-)color:\s*(#[0-9a-fA-F]{3,6})", css)
    colours = {selector.strip(): colour for selector, colour in rules}
    for token in ("keyword", "atom", "number", "def", "variable-2", "variable-3", "comment", "string", "string-2",
                  "meta", "builtin", "bracket", "tag", "error"):
        assert any(f".cm-{token}" in s for s in colours), token
    weak = {s: c for s, c in colours.items() if contrast(c, "#ffffff") < 4.5 or contrast(c, "#fff3a8") < 4.5}
    assert weak == {}


def test_the_query_page_loads_the_error_explainer_before_the_page_script(client):
    page = client.get("/query").get_data(as_text=True)
    assert page.index("query-errors.js") < page.index("query.js\"")
    assert '<div id="query-error" role="alert" hidden></div>' in page


def test_the_home_page_cards_show_a_few_entries_and_the_rest_behind_all(client):
    page = client.get("/").get_data(as_text=True)
    cards = re.findall(r'<div class="card"><h3>(\w+) <span class="count">\((\d+)\)</span></h3><ul>(.*?)</ul>', page, re.S)
    assert {kind for kind, *_ in cards} >= {"Countries", "Proposals"}
    for kind, total, shown in cards:
        visible = shown.count("<li>")
        assert 1 <= visible <= 6
        if int(total) > visible:
            assert f"All {total} {kind.lower()}</summary>" in page
    assert '<details class="questions-box">' in page
    assert '<a href="/article">Read the article</a>' in page
