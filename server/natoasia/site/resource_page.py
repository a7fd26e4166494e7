"""A resource's page for people: the page model of its description (:mod:`.descriptions`), the summary
(:mod:`.summaries`) and the sentences it cites as numbered references; or one group of its statements in full."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock

import pyoxigraph as ox
from flask import Response, current_app, render_template

from natoasia.site.descriptions import MAX_ROWS, PARAGRAPH, RDF_VALUE, SENTENCE_ID, Describer, Page
from natoasia.site.groups import IDENTITY, ORDER, STATEMENTS
from natoasia.site.argument_diagram import diagram
from natoasia.site.links import engine, local
from natoasia.site.summaries import summarise
from natoasia.site.values import sentence_number

#: Rows of a group, and the node's own sentences, shown before "show more"; pages kept drawn in each process
#: (at most 80 kB each).
VISIBLE = 3
VISIBLE_QUOTES = 3
CACHED_PAGES = 200
GROUP_KEYS = {kind.key: kind for kind in ORDER}
#: The resource's own statements are never collapsed (a handful); what points here is.
OPEN_GROUPS = {IDENTITY.key, STATEMENTS.key}
@dataclass
class Reference:
    """A sentence cited on the page: its number there, where it is in the article, and its words."""

    number: int
    anchor: str
    name: str
    href: str
    quote: str
    paragraph: str


def response(iri: str, path: str, body: bytes, args) -> Response:
    """The HTML page of ``iri`` from its description (N-Triples, as the engine describes it); with ``?group=KEY``,
    every statement of one group on a page of its own. A group the page does not know is a 400 in words. Pages
    are kept once drawn (the dataset never changes while served), the most recently asked ``CACHED_PAGES``."""
    key = args.get("group")
    if key is not None and key not in GROUP_KEYS:
        asked = key if len(key) <= 40 else key[:40] + "…"
        parts = [(kind.key, kind.title) for kind in ORDER]
        return Response(render_template("resource_400.html", path=path, parts=parts,
                                        problem=f"This page has no part called “{asked}”."),
                        status=400, mimetype="text/html")
    cache = current_app.extensions.setdefault("natoasia.resource_pages", Drawn())
    status, html = cache.get((iri, key), lambda: _draw(iri, path, body, key))
    return Response(html, status=status, mimetype="text/html")


def _draw(iri: str, path: str, body: bytes, key: str | None) -> tuple[int, str]:
    describer = Describer(list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES)), local)
    page = describer.page(iri, limit=None if key else MAX_ROWS)
    if key is not None:
        page.groups = [group for group in page.groups if group.key == key]
        if not page.groups:
            return 404, render_template("resource_400.html", path=path, parts=[], problem=f"{page.label} has no "
                                        f"statements in the group “{GROUP_KEYS[key].title}”.")
    else:
        page.summary = summarise(describer, page)
    references = _references(describer, page)
    return 200, render_template("resource.html", page=page, references=references, visible=VISIBLE, argument=None if key else diagram(engine().select, iri),
                                visible_quotes=VISIBLE_QUOTES, open_groups=OPEN_GROUPS, single=key is not None, query=f"DESCRIBE <{iri}>", path=path)


class Drawn:
    """The pages drawn in this process: a bounded LRU, the page asked least recently goes first."""

    def __init__(self, size: int = CACHED_PAGES):
        self.size, self.pages, self.lock = size, OrderedDict(), Lock()

    def get(self, key, draw):
        """The page for ``key``, drawn by ``draw()`` when it is not kept."""
        with self.lock:
            if key in self.pages:
                self.pages.move_to_end(key)
                return self.pages[key]
        page = draw()
        with self.lock:
            self.pages[key] = page
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)
        return page


def _references(describer: Describer, page: Page) -> dict[str, Reference]:
    """The sentences the page cites, numbered in the order the page first shows them."""
    order = list(page.sources)
    for group in page.groups:
        for row in group.rows:
            order += row.sources
    numbers: dict[str, int] = {}
    for sentence in order:
        numbers.setdefault(sentence, len(numbers) + 1)
    for group in page.groups:
        for row in group.rows:
            row.sources.sort(key=numbers.__getitem__)
    references = {}
    for sentence, number in numbers.items():
        out = describer.out.get(sentence, {})
        anchor = next((v.value for v in out.get(SENTENCE_ID, [])), sentence.rsplit("/", 1)[-1])
        quote = next((v.value for v in out.get(RDF_VALUE, [])), "")
        paragraph = next((v.value for v in out.get(PARAGRAPH, [])), "")
        references[sentence] = Reference(number, anchor, sentence_number(anchor), local(sentence), quote, paragraph)
    return references
