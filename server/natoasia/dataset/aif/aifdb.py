"""The argument as AIFdb JSON, the form AIFdb and OVA exchange (``nodes``, ``edges``, ``locutions``,
``participants``): I-nodes for what is said, L-nodes for the sentences that say it, YA-nodes anchoring
the one in the other, and an RA, CA, PA or MA node for each link (tools/MODELLING.md, "The AIF export")."""

from __future__ import annotations

import hashlib
import json

from natoasia.dataset.aif.read import LINKS, Argument, Information, Link, Locution

#: Illocutionary schemes (AIF+ YA-nodes) with their AIFdb scheme IDs, where a published one was found.
ASSERTING, QUESTIONING, ARGUING = ("Asserting", "74"), ("Pure Questioning", None), ("Arguing", "80")
#: The order node types are listed in.
NODE_ORDER = ("I", "L", "YA", "RA", "CA", "PA", "MA")


def node_id(key: str) -> str:
    """A stable AIFdb node or edge ID: a number (AIFdb's IDs are numbers, as strings) derived from ``key``.

    ``key`` names what the node stands for by IRIs (an I-node's key is its IRI), so the ID stays the same
    from one build to the next as long as the graph says the same thing.
    """
    return str(int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:13], 16))


def locution_key(locution: Locution) -> str:
    """The key of the L-node of a sentence as uttered by one speaker."""
    return f"L {locution.speaker} {locution.sentence}"


def link_key(link: Link) -> str:
    """The key of a link's S-node: its own link node where the graph has one, else the link itself."""
    return link.node or f"{link.kind} {link.source} {link.target}"


class _Builder:
    def __init__(self, argument: Argument):
        self.argument = argument
        self.nodes: dict[str, dict] = {}
        self.edges: set[tuple[str, str]] = set()
        self.locutions: dict[str, dict] = {}
        self.participants = {actor: node_id(actor) for actor in argument.speakers}

    def node(self, key: str, text: str, kind: str, scheme: tuple[str, str | None] | None = None) -> str:
        identifier = node_id(key)
        entry = {"nodeID": identifier, "text": text, "type": kind, "timestamp": self.argument.timestamp}
        if scheme:
            entry["scheme"] = scheme[0]
            if scheme[1]:
                entry["schemeID"] = scheme[1]
        if self.nodes.setdefault(identifier, entry) != entry:
            raise ValueError(f"two AIF nodes share the ID {identifier} ({key!r})")
        return identifier

    def locution(self, locution: Locution) -> str:
        name = self.argument.speakers[locution.speaker][0]
        identifier = self.node(locution_key(locution), f"{name}: {locution.quote}", "L")
        self.locutions[identifier] = {"nodeID": identifier, "personID": self.participants[locution.speaker],
                                      "timestamp": self.argument.timestamp, "start": None, "end": None,
                                      "source": locution.sentence}
        return identifier

    def anchor(self, locution: Locution, target: str, target_key: str, force: tuple[str, str | None]) -> None:
        said = self.locution(locution)
        illocution = self.node(f"YA {locution_key(locution)} {target_key}", force[0], "YA", force)
        self.edges |= {(said, illocution), (illocution, target)}

    def information(self, info: Information) -> None:
        identifier = self.node(info.iri, info.text, "I")
        for locution in info.locutions:
            self.anchor(locution, identifier, info.iri, QUESTIONING if info.question else ASSERTING)

    def link(self, link: Link) -> None:
        _pattern, kind, scheme, scheme_id = LINKS[link.kind]
        key = link_key(link)
        identifier = self.node(key, scheme, kind, (scheme, scheme_id))
        self.edges |= {(node_id(link.source), identifier), (identifier, node_id(link.target))}
        if link.cue:
            self.anchor(link.cue, identifier, key, ARGUING)

    def result(self) -> dict:
        nodes = sorted(self.nodes.values(), key=lambda n: (NODE_ORDER.index(n["type"]), int(n["nodeID"])))
        edges = [{"edgeID": node_id(f"{a} {b}"), "fromID": a, "toID": b, "formEdgeID": None}
                 for a, b in sorted(self.edges, key=lambda e: (int(e[0]), int(e[1])))]
        participants = []
        for actor, (name, person) in sorted(self.argument.speakers.items(), key=lambda a: int(self.participants[a[0]])):
            first, _, last = name.rpartition(" ") if person and " " in name else (name, "", "")
            participants.append({"participantID": self.participants[actor], "firstname": first, "surname": last})
        return {"nodes": nodes, "edges": edges,
                "locutions": [self.locutions[k] for k in sorted(self.locutions, key=int)],
                "participants": participants}


def aifdb(argument: Argument) -> dict:
    """The argument as an AIFdb JSON document (a dict ready for :func:`json.dumps`)."""
    builder = _Builder(argument)
    for info in argument.information.values():
        builder.information(info)
    for link in argument.links:
        builder.link(link)
    return builder.result()


def aifdb_bytes(document: dict) -> bytes:
    """The document as UTF-8 JSON, the same bytes for the same document."""
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
