"""The ``natoasia`` command line.

Exit codes: 0 success (validate: the sources conform), 1 validate found violations,
2 error (unreadable or unparsable input, bad query, bad arguments).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from natoasia import BASE, __version__
from natoasia.dataset.checks.findings import Finding, as_github, as_json, as_text, as_turtle
from natoasia.dataset.sources import SourceError
from natoasia.formats import CLI_FORMATS

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2
UNSANDBOXED_HELP = ("run even where the kernel cannot confine query evaluation (seccomp, Landlock): "
                    "a query would then be stopped only by the query check")


class CommandError(Exception):
    """An error to report on one line, exiting with code 2."""


#: ``validate --format``: the writers of findings (junit, which also needs the shapes, is written apart).
FINDINGS_WRITERS = {"text": as_text, "turtle": as_turtle, "json": as_json, "github": as_github}
VALIDATE_FORMATS = (*FINDINGS_WRITERS, "junit")


def cmd_validate(args) -> int:
    """Run every check on the sources and print the report.

    In the CI formats (github, junit) a file that does not parse is reported in the format too,
    before the one-line error and exit code 2, so that CI shows it where it shows the rest.
    """
    from natoasia.dataset.checks.shacl_sparql import UnsupportedShape
    from natoasia.dataset.checks.junit import as_junit, test_cases
    from natoasia.dataset.checks.shacl import declared_shapes
    from natoasia.dataset.sources import is_source_tree, load_sources
    from natoasia.dataset.validate import validate

    extension = Path(args.extend) if args.extend else None
    if extension is not None and is_source_tree(extension):
        print(f"natoasia: {extension} holds a complete source tree: validating it alone; "
              "installed sources are not read", file=sys.stderr)
    try:
        sources = load_sources(Path(args.data) if args.data else None, extension)
    except SourceError as exc:
        broken = Finding(check="syntax", file=exc.path, line=exc.line, message=exc.message)
        if args.format == "github":
            sys.stdout.write(as_github([broken]))
        elif args.format == "junit":
            sys.stdout.write(as_junit([broken], {"syntax": [exc.path]}))
        raise
    try:
        result = validate(sources=sources, article=args.article, fast=args.fast)
    except UnsupportedShape as exc:
        raise CommandError(f"--fast cannot run these shapes ({'; '.join(exc.problems)}); run without --fast") from None
    if args.format == "junit":
        report = as_junit(result.findings, test_cases(sources, declared_shapes(sources.union("shapes"))))
    else:
        report = FINDINGS_WRITERS[args.format](result.findings)
    sys.stdout.write(report)
    return EXIT_OK if result.conforms else EXIT_VIOLATIONS


def cmd_build(args) -> int:
    """Validate, then write the dataset, its dumps and VoID into ``--out``."""
    from natoasia.dataset.build import build
    from natoasia.dataset.validate import validate

    result = validate(article=args.article, fast=args.fast)
    if not result.conforms:
        sys.stdout.write(as_text(result.findings))
        raise CommandError("the sources do not conform; nothing was built (run `natoasia validate`)")
    manifest = build(Path(args.out), sources=result.sources, inferred=result.inferred)
    from natoasia.stores.embedded import persist

    persisted = persist(Path(args.out))
    for name, info in manifest["files"].items():
        counts = f"{info['triples']} triples" if "triples" in info else f"{info['nodes']} nodes, {info['edges']} edges"
        print(f"{Path(args.out) / name}  {counts}  {info['bytes']} bytes  sha256 {info['sha256'][:16]}…")
    print(f"{Path(args.out) / 'void.ttl'}")
    print(f"{persisted}  persisted store ({manifest['files']['natoasia.nq']['triples']} quads, opened read-only by serve)")
    return EXIT_OK


def cmd_query(args) -> int:
    """Run a SPARQL query on the built dataset (building it first if it is missing or stale)."""
    from natoasia.results import FormatMismatch, write_results
    from natoasia.dataset.build import ensure_built
    from natoasia.stores.embedded import open_persisted, run_query

    if args.file:
        try:
            query = Path(args.file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{args.file}: cannot read query: {exc}") from None
        origin = args.file
    elif args.query:
        query, origin = args.query, "query"
    else:
        raise CommandError("give a query or -f FILE")
    store, folder = open_persisted(ensure_built(Path(args.data)))
    _confine(args, [str(folder)] if folder else [])
    try:
        result = run_query(store, query)
        data = write_results(result, args.format or _default_format(result))
    except SyntaxError as exc:
        raise CommandError(f"{origin}: SPARQL syntax {exc}") from None
    except FormatMismatch as exc:
        raise CommandError(str(exc)) from None
    except OSError as exc:  # evaluation errors from pyoxigraph
        raise CommandError(f"{origin}: query failed: {exc}") from None
    sys.stdout.buffer.write(data)
    return EXIT_OK


def _confine(args, read_paths: list[str]) -> None:
    """Confine this process before it evaluates user input (see :mod:`natoasia.endpoint.sandbox`)."""
    from natoasia.endpoint.sandbox import SandboxUnavailable, confine

    try:
        confine(read_paths)
    except SandboxUnavailable as exc:
        if not args.allow_unsandboxed:
            raise CommandError(f"{exc.strerror}: queries cannot be confined on this system "
                               "(pass --allow-unsandboxed to accept that they could reach the network)") from None
        print(f"natoasia: warning: {exc.strerror}; evaluating the query unconfined (--allow-unsandboxed)",
              file=sys.stderr)


def _default_format(result) -> str:
    import pyoxigraph as ox

    return "turtle" if isinstance(result, ox.QueryTriples) else "table"


def cmd_stats(args) -> int:
    """Count classes, entities, fact nodes and sentences cited."""
    from natoasia.dataset.checks.quotes import find_article
    from natoasia.dataset.sources import load_sources
    from natoasia.dataset.stats import as_text as stats_text
    from natoasia.dataset.stats import statistics

    sources = load_sources()
    article = find_article(args.article)
    tsv = article.parent / "sentences.tsv" if article else None
    total = len(tsv.read_text(encoding="utf-8").splitlines()) - 1 if tsv and tsv.is_file() else None
    stats = statistics(sources.union("ontology"), sources.union("graph"), total)
    sys.stdout.write(json.dumps(stats, indent=2) + "\n" if args.format == "json" else stats_text(stats))
    return EXIT_OK


def cmd_serve(args) -> int:
    """Serve the dataset over the SPARQL 1.1 Protocol."""
    from natoasia.service.server import run

    if not 0 <= args.port <= 65535:
        raise CommandError(f"--port {args.port} is not a TCP port (0-65535)")
    if args.timeout <= 0 or min(1 if args.workers is None else args.workers, args.threads, args.http_workers) < 1 \
            or args.cache_mb < 0:
        raise CommandError("--timeout, --workers, --threads and --http-workers must be positive, --cache-mb >= 0")
    if args.worker_memory_mb < 0:
        raise CommandError(f"--worker-memory-mb {args.worker_memory_mb:g} is negative (0 means no limit)")
    args.sandbox = True
    if not args.store:  # queries are evaluated here: their workers must be confined
        from natoasia.endpoint.sandbox import probe

        reason = probe()
        if reason and not args.allow_unsandboxed:
            raise CommandError(f"query workers cannot be confined on this system: {reason} "
                               "(pass --allow-unsandboxed to serve anyway, accepting that a query could reach "
                               "the network if the query check missed it)")
        if reason:
            print(f"natoasia: warning: query workers run unconfined ({reason}); --allow-unsandboxed",
                  file=sys.stderr)
            args.sandbox = False
    try:
        return run(args)
    except ValueError as exc:  # a --load file that cannot be read or parsed
        raise CommandError(str(exc)) from None


def cmd_load(args) -> int:
    """Load the built dataset's named graphs into an external SPARQL store."""
    from natoasia.stores.load import LoadError, load
    from natoasia.dataset.build import ensure_built

    try:
        loaded = load(ensure_built(Path(args.data)), args.into, batch=args.batch)
    except LoadError as exc:
        raise CommandError(str(exc)) from None
    print(f"loaded {sum(loaded.values())} triples in {len(loaded)} graphs into {args.into}")
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    """The argument parser, one sub-command per verb."""
    main = argparse.ArgumentParser(prog="natoasia", description=__doc__.split("\n\n")[0],
                                   epilog="exit codes: 0 ok, 1 violations found (validate), 2 error")
    main.add_argument("--version", action="version", version=f"natoasia {__version__}")
    verbs = main.add_subparsers(dest="verb", required=True, metavar="COMMAND")

    validate = verbs.add_parser("validate", help="check syntax, vocabularies, SHACL shapes, OWL RL consistency, quotes")
    validate.add_argument("--format", choices=VALIDATE_FORMATS, default="text",
                          help="text (default), turtle or json (a SHACL report), github (Actions annotations), "
                               "junit (JUnit XML for GitLab, Jenkins …)")
    validate.add_argument("--data", metavar="DIR",
                          help="the folder holding ontology/, graph/ and shapes/ (default: the installed sources)")
    validate.add_argument("--extend", metavar="DIR",
                          help="also read DIR's ontology/, graph/, background/ and shapes/ *.ttl (a repository "
                               "extending the graph; a file named like an installed one replaces it); a DIR holding "
                               "all of ontology/, graph/ and shapes/ is a fork's complete tree, validated alone "
                               "as with --data")
    validate.add_argument("--article", help="article.txt to check quotes against (default: ../shared/source)")
    validate.add_argument("--fast", action="store_true",
                          help="SHACL and OWL RL compiled to SPARQL on pyoxigraph (for large graphs)")
    validate.set_defaults(run=cmd_validate)

    build = verbs.add_parser("build", help="write the dataset dumps and VoID")
    build.add_argument("--out", default="build/dataset", help="output folder (default: build/dataset)")
    build.add_argument("--article", help="article.txt to check quotes against")
    build.add_argument("--fast", action="store_true", help="validate and reason with the SPARQL-compiled engines")
    build.set_defaults(run=cmd_build)

    query = verbs.add_parser("query", help="run a SPARQL query on the built dataset")
    query.add_argument("query", nargs="?", help="the SPARQL query text")
    query.add_argument("-f", "--file", help="read the query from FILE")
    query.add_argument("--format", choices=CLI_FORMATS, help="table (default for SELECT/ASK), csv, tsv, json, turtle")
    query.add_argument("--data", default="build/dataset", help="the built dataset (built here if missing or stale)")
    query.add_argument("--allow-unsandboxed", action="store_true", help=UNSANDBOXED_HELP)
    query.set_defaults(run=cmd_query)

    serve = verbs.add_parser("serve", help="serve the dataset as a SPARQL 1.1 endpoint")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=None,
                       help="query worker processes per HTTP process (default 2 on a dataset in memory, "
                            "4 on the persisted store, where a worker costs ~75 MB at 10^6 triples)")
    serve.add_argument("--threads", type=int, default=4, help="HTTP threads per HTTP process (default 4)")
    serve.add_argument("--http-workers", type=int, default=2,
                       help="HTTP processes, each with its own query workers (default 2)")
    serve.add_argument("--cache-mb", type=float, default=64, help="result cache size in MiB, 0 to disable (default 64)")
    serve.add_argument("--worker-memory-mb", type=float, default=256,
                       help="memory a query may add to its worker, in MiB; a query that needs more is answered "
                            "503 (default 256; 0: no limit)")
    serve.add_argument("--timeout", type=float, default=10.0, help="wall-clock limit per query in seconds (default 10)")
    serve.add_argument("--load", action="append", metavar="FILE[=GRAPH_IRI]",
                       help="add an RDF file as a named graph (repeatable)")
    serve.add_argument("--data", default="build/dataset", help="the built dataset (built here if missing or stale)")
    serve.add_argument("--store", metavar="URL", help="query an external SPARQL endpoint instead of the embedded store")
    mode = serve.add_mutually_exclusive_group()
    mode.add_argument("--in-memory", dest="store_mode", action="store_const", const="memory",
                      help="parse the dataset into memory, shared by the query workers (implied by --load; "
                           "the default below 64 MiB of N-Quads: evaluation is several times faster)")
    mode.add_argument("--on-disk", dest="store_mode", action="store_const", const="disk",
                      help="open the persisted store that `build` writes, read-only (the default from 64 MiB "
                           "of N-Quads: starts in milliseconds, one copy in the page cache)")
    serve.set_defaults(store_mode="auto")
    serve.add_argument("--allow-unsandboxed", action="store_true", help=UNSANDBOXED_HELP)
    serve.add_argument("--public-base", default=BASE,
                       help=f"the base of the IRIs this server answers for at its own paths (default {BASE})")
    serve.set_defaults(run=cmd_serve)

    load = verbs.add_parser("load", help="load the built dataset into an external SPARQL store")
    load.add_argument("--into", required=True, metavar="URL", help="the store's SPARQL Update endpoint")
    load.add_argument("--batch", type=int, default=1000, help="triples per INSERT DATA (default 1000)")
    load.add_argument("--data", default="build/dataset", help="the built dataset (built here if missing or stale)")
    load.set_defaults(run=cmd_load)

    stats = verbs.add_parser("stats", help="count classes, entities, facts and sentences cited")
    stats.add_argument("--format", choices=("text", "json"), default="text")
    stats.add_argument("--article", help="article.txt (for the number of sentences)")
    stats.set_defaults(run=cmd_stats)
    return main


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except BrokenPipeError:
        return EXIT_OK
    except (SourceError, CommandError) as exc:
        print(f"natoasia: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:  # an output folder that cannot be written, a file that vanished …
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"natoasia: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
