"""Every page works with no network beyond this server: nothing served loads a script, style sheet, image, font
or frame from another host (the browser tests check the same at run time, request by request)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

PAGES = ["/", "/query", "/query?query=SELECT%20*%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20LIMIT%201",
         "/search?q=singapore", "/browse", "/browse?kind=Contribution", "/downloads", "/ontology", "/pictures",
         "/id/country/japan", "/id/sentence/s050", "/argument", "/no/such/page"]
#: Link relations that make a browser fetch the target (not ``alternate``, ``license`` …, which it only shows).
FETCHING_RELS = {"stylesheet", "icon", "shortcut", "preload", "modulepreload", "prefetch", "manifest", "import",
                 "apple-touch-icon", "dns-prefetch", "preconnect"}
STATIC = Path(__file__).resolve().parents[1] / "server" / "natoasia" / "site" / "static"
EXTERNAL = re.compile(r"^(https?:)?//", re.I)
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""", re.I)


class Loads(HTMLParser):
    """Collects every URL an HTML page makes the browser load by itself."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and FETCHING_RELS & set((a.get("rel") or "").lower().split()):
            self.urls.append(a.get("href") or "")
        elif tag in ("script", "img", "iframe", "frame", "embed", "source", "audio", "video", "track", "input"):
            self.urls.append(a.get("src") or "")
        elif tag == "object":
            self.urls.append(a.get("data") or "")
        if a.get("srcset"):
            self.urls += [part.split()[0] for part in a["srcset"].split(",") if part.strip()]
        if a.get("style"):
            self.urls += CSS_URL.findall(a["style"])

    def handle_data(self, data):
        if self.lasttag == "style":
            self.urls += CSS_URL.findall(data)


@pytest.mark.parametrize("path", PAGES)
def test_pages_load_nothing_from_another_host(client, path):
    response = client.get(path, headers={"Accept": "text/html"})
    parser = Loads()
    parser.feed(response.get_data(as_text=True))
    assert parser.urls, "the scanner found nothing to check"  # every page loads at least its style sheet
    assert [u for u in parser.urls if EXTERNAL.match(u)] == []


def test_served_style_sheets_and_our_scripts_fetch_nothing_from_another_host(client):
    sheets = sorted(STATIC.rglob("*.css"))
    assert any(s.parent.name == "yasgui" for s in sheets)
    for sheet in sheets:
        with client.get("/static/" + sheet.relative_to(STATIC).as_posix()) as response:
            text = response.get_data(as_text=True)
        assert [u for u in CSS_URL.findall(text) if EXTERNAL.match(u)] == [], sheet.name
    for script in STATIC.glob("*.js"):  # our own code (the vendored bundle is checked in Chromium)
        assert not re.search(r"https?://", script.read_text(encoding="utf-8")), script.name


def test_the_scanner_finds_an_outside_script():
    """The check above can fail: a CDN script tag, style sheet or CSS import is reported."""
    parser = Loads()
    parser.feed('<link rel="stylesheet" href="https://cdn.example/x.css"><script src="//cdn.example/y.js"></script>'
                '<link rel="alternate" href="https://example.org/void"><style>@import "https://fonts.example/f";</style>')
    assert [u for u in parser.urls if EXTERNAL.match(u)] == ["https://cdn.example/x.css", "//cdn.example/y.js",
                                                             "https://fonts.example/f"]
