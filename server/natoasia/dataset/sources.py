"""Find and parse the hand-edited Turtle sources (ontology, graph, shapes) and the queries."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from natoasia import BASE
from natoasia.dataset.lines import Lines, turtle_lines

SOURCE_DIRS = ("ontology", "graph", "background", "shapes")
#: Source folders that may be absent: ``background/`` holds knowledge the article takes for granted,
#: built into its own named graph and never into the article's facts.
OPTIONAL_DIRS = ("background",)


class SourceError(Exception):
    """A source file that cannot be read or parsed; ``str()`` names file, line and column."""

    def __init__(self, path: Path | str, message: str, line: int | None = None, column: int | None = None):
        self.path, self.message, self.line, self.column = str(path), message, line, column
        where = self.path if line is None else f"{self.path}:{line}:{column or 1}"
        super().__init__(f"{where}: {message}")


def data_root() -> Path:
    """The folder holding ``ontology/``, ``graph/``, ``shapes/`` and ``queries/``.

    ``NATOASIA_DATA`` wins; then the copy shipped inside the wheel; then the source checkout.
    """
    if os.environ.get("NATOASIA_DATA"):
        return Path(os.environ["NATOASIA_DATA"])
    package = Path(__file__).resolve().parents[1]
    shipped = package / "_data"
    if (shipped / "ontology").is_dir():
        return shipped
    return package.parents[1]  # server/natoasia → the checkout


def turtle_files(kind: str, root: Path | None = None) -> list[Path]:
    """The ``*.ttl`` files of one source folder, sorted by name."""
    folder = (root or data_root()) / kind
    if not folder.is_dir():
        if kind in OPTIONAL_DIRS:
            return []
        raise SourceError(folder, "source folder not found")
    return sorted(folder.glob("*.ttl"))


def parse_turtle(path: Path, graph: Graph | None = None) -> Graph:
    """Parse one Turtle file, raising :class:`SourceError` with line and column on bad syntax."""
    graph = graph if graph is not None else Graph()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise SourceError(path, f"not UTF-8 ({exc.reason})", line) from None
    except OSError as exc:
        raise SourceError(path, exc.strerror or str(exc)) from None
    try:
        graph.parse(data=text, format="turtle", publicID=BASE)
    except BadSyntax as exc:
        line, column = _position(exc)
        raise SourceError(path, f"Turtle syntax error: {exc._why}", line, column) from None
    except Exception as exc:  # rdflib raises bare exceptions for e.g. unknown prefixes
        raise SourceError(path, f"Turtle error: {exc}", _line_hint(str(exc))) from None
    return graph


#: What rdflib keeps as written and pyoxigraph's parser does not: a literal typed ``xsd:string`` (rdflib tells
#: it from a plain one) and a language tag's capitals (``@EN``; pyoxigraph writes ``@en``). A file that may
#: hold either (any ``^^…string``, any tag with a capital) is parsed by rdflib.
_RDFLIB_ONLY = re.compile(r"\^\^\S*string|['\"]@[A-Za-z0-9-]*[A-Z]")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def parse_turtle_fast(path: Path, union: Graph | None = None) -> Graph:
    """:func:`parse_turtle` with pyoxigraph's parser, a tenth of the time: the same rdflib graph — each
    literal made by rdflib from the same lexical form, datatype and language, each blank node a new one.

    rdflib's parser reads the file instead where pyoxigraph's would lose what rdflib keeps (see
    ``_RDFLIB_ONLY``) and where pyoxigraph's finds an error: the error is then rdflib's, as before. Each
    triple is also added to ``union`` if given (each kind's union, made in the same pass).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return parse_turtle(path)  # its error, with its line
    if _RDFLIB_ONLY.search(text):
        return _added(parse_turtle(path), union)
    iris: dict[str, URIRef] = {}
    blanks: dict[str, BNode] = {}
    literals: dict[ox.Literal, Literal] = {}

    def term(node):
        if isinstance(node, ox.NamedNode):
            found = iris.get(node.value)
            if found is None:
                found = iris[node.value] = URIRef(node.value)
            return found
        if isinstance(node, ox.BlankNode):
            found = blanks.get(node.value)
            if found is None:
                found = blanks[node.value] = BNode()
            return found
        found = literals.get(node)
        if found is None:
            if node.language:
                found = Literal(node.value, lang=node.language)
            elif node.datatype.value == _XSD_STRING:
                found = Literal(node.value)
            else:
                found = Literal(node.value, datatype=term(node.datatype))
            literals[node] = found
        return found

    try:
        triples = [(term(t.subject), term(t.predicate), term(t.object))
                   for t in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=BASE)]
    except Exception:  # noqa: BLE001 — whatever pyoxigraph cannot read, rdflib reads or reports
        return _added(parse_turtle(path), union)
    graph = Graph()
    add = graph.add
    for triple in triples:
        add(triple)
    if union is not None:
        add = union.add
        for triple in triples:
            add(triple)
    return graph


def _added(graph: Graph, union: Graph | None) -> Graph:
    if union is not None:
        union += graph
    return graph


def _position(exc: BadSyntax) -> tuple[int, int]:
    text = exc._str.decode("utf-8", "replace") if isinstance(exc._str, bytes) else exc._str
    before = text[: exc._i]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def _line_hint(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


@dataclass
class Sources:
    """All Turtle sources, one graph per file, plus their union per kind."""

    root: Path
    files: dict[str, dict[Path, Graph]] = field(default_factory=dict)
    _lines: dict[Path, Lines] = field(default_factory=dict, repr=False, compare=False)
    #: The union of each kind, made while parsing (``load_sources(fast=True)``), handed once to whoever asks
    #: :meth:`kind_unions`; later calls make new ones.
    _unions: dict[str, Graph] = field(default_factory=dict, repr=False, compare=False)

    def kind_unions(self) -> dict[str, Graph]:
        """A new graph per kind of source (``ontology``, ``graph``, ``background``, ``shapes``): its files' union."""
        made, self._unions = self._unions, {}
        return made if set(made) == set(SOURCE_DIRS) else {kind: self.union(kind) for kind in SOURCE_DIRS}

    def union(self, *kinds: str) -> Graph:
        """The union of the files of the given kinds (all kinds if none given)."""
        merged = Graph()
        for kind in kinds or SOURCE_DIRS:
            for graph in self.files[kind].values():
                merged += graph
        return merged

    def files_with_subject(self, node) -> list[str]:
        """Relative paths of the source files in which ``node`` is a subject."""
        found = []
        for kind in SOURCE_DIRS:
            for path, graph in self.files[kind].items():
                if (node, None, None) in graph:
                    found.append(self.relative(path))
        return found

    def lines(self, path: Path) -> Lines:
        """The subject and mention lines of one source file (scanned once, then kept)."""
        if path not in self._lines:
            self._lines[path] = turtle_lines(path.read_text(encoding="utf-8"))
        return self._lines[path]

    def locate(self, node, path=None, file: str | None = None) -> tuple[str | None, int | None]:
        """The file and line where ``node``'s description starts, for a finding about it.

        The file is ``file`` if given, else the first that states ``node path …``, else the first with
        ``node`` as a subject; the line is where ``node``'s subject block starts there. A blank node is
        placed at the block of the named subject whose description contains it.
        """
        candidates = [(p, g) for kind in SOURCE_DIRS for p, g in self.files.get(kind, {}).items()
                      if (node, None, None) in g and file in (None, self.relative(p))]
        if isinstance(path, URIRef):
            candidates = [c for c in candidates if (node, path, None) in c[1]] or candidates
        if not candidates:
            return None, None
        file, graph = candidates[0]
        outer, seen = node, set()
        while isinstance(outer, BNode) and outer not in seen:
            seen.add(outer)
            outer = next(graph.subjects(None, outer), None)
        line = self.lines(file).subjects.get(str(outer)) if isinstance(outer, URIRef) else None
        return self.relative(file), line

    def line_of_use(self, relative: str, iri: str) -> int | None:
        """The first line of the source file ``relative`` that writes ``iri``."""
        for kind in SOURCE_DIRS:
            for path in self.files.get(kind, {}):
                if self.relative(path) == relative:
                    return self.lines(path).uses.get(iri)
        return None

    def relative(self, path: Path) -> str:
        """``path`` relative to the data root, for messages."""
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def digest(self) -> str:
        """SHA-256 over every source file's name and bytes: the dataset's version."""
        sha = hashlib.sha256()
        for kind in SOURCE_DIRS:
            for path in sorted(self.files[kind]):
                sha.update(self.relative(path).encode() + b"\0" + path.read_bytes() + b"\0")
        return sha.hexdigest()


def is_source_tree(folder: Path) -> bool:
    """Whether ``folder`` holds every source folder that is not optional: a whole tree (a fork), which
    is read alone, not an extension read on top of the installed sources."""
    return all((folder / kind).is_dir() for kind in SOURCE_DIRS if kind not in OPTIONAL_DIRS)


def list_sources(root: Path | None = None, extension: Path | None = None) -> Sources:
    """The source files :func:`load_sources` would read, unparsed (each file's graph is ``None``).

    Enough for :meth:`Sources.digest`: whether a build is current is known without parsing anything.
    An ``extension`` that :func:`is_source_tree` replaces ``root``: a file its fork deleted is not read.
    """
    if extension is not None and is_source_tree(extension):
        root, extension = extension, None
    root = root or data_root()
    added = {kind: sorted((extension / kind).glob("*.ttl")) if extension else [] for kind in SOURCE_DIRS}
    if extension is not None and not any((extension / kind).is_dir() for kind in SOURCE_DIRS):
        raise SourceError(extension, f"has none of the source folders {', '.join(d + '/' for d in SOURCE_DIRS)}")
    sources = Sources(root=extension or root)
    for kind in SOURCE_DIRS:
        own = {path.name for path in added[kind]}
        sources.files[kind] = dict.fromkeys(added[kind] + [p for p in turtle_files(kind, root) if p.name not in own])
    return sources


def load_sources(root: Path | None = None, extension: Path | None = None, fast: bool = False) -> Sources:
    """Parse every source file; the first broken one raises :class:`SourceError`.

    ``extension`` is a folder of a repository that extends the graph: the ``*.ttl`` files of its
    source folders (``ontology/``, ``graph/`` …, each optional) are read first, on top of ``root``'s
    (a file of the same folder and name replaces ``root``'s), and file names are given relative to it
    (``root``'s own files then have absolute names). An extension holding every required folder is a
    fork's whole tree and is read instead of ``root`` (see :func:`list_sources`). ``fast`` parses with
    :func:`parse_turtle_fast` (the first start): the same graphs, though not in the same order.
    """
    sources = list_sources(root, extension)
    for kind in SOURCE_DIRS:
        union = Graph() if fast else None
        for path in sources.files[kind]:
            try:
                sources.files[kind][path] = parse_turtle_fast(path, union) if fast else parse_turtle(path)
            except SourceError as exc:
                raise SourceError(sources.relative(path), exc.message, exc.line, exc.column) from None
        if fast:
            sources._unions[kind] = union
    return sources
