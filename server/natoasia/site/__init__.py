"""The pages readers see: every project IRI as a page or RDF document (:mod:`.resources`), the home,
download, ontology and query pages (:mod:`.pages`), search, browsing by facets, the argument map and the
pictures; with their templates and static assets. The site asks the endpoint's engine for everything
it shows.
"""

from pathlib import Path

#: Where the site's templates and static assets are (the Flask app is given these folders).
TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
