"""The argument in AIF at ``/argument``: the AIFdb JSON and AIF-RDF dumps the build wrote, chosen by the
``Accept`` header or ``?format=``, and at their own addresses ``/argument.aif.json`` and ``/argument.aif.ttl``.
The page itself (HTML) is ``site/argument.py``'s."""

from __future__ import annotations

from flask import Blueprint, Request, Response, send_from_directory

from natoasia.dataset.files import AIF_DUMPS
from natoasia.endpoint.negotiation import choose
from natoasia.site.links import engine

bp = Blueprint("argument_formats", __name__)

#: What ``/argument`` offers, the page first (a browser's ``*/*`` gets the page).
OFFERED = ["text/html", *(media_type for _name, media_type in AIF_DUMPS)]
#: The dump file of each media type.
FILE_OF = {media_type: name for name, media_type in AIF_DUMPS}
#: ``?format=`` values and the media type each names.
FORMATS = {"html": "text/html", "aif": "application/json", "json": "application/json", "aif-json": "application/json",
           "aifdb": "application/json", "aif-rdf": "text/turtle", "turtle": "text/turtle", "ttl": "text/turtle"}


def negotiated(request: Request) -> Response | None:
    """The AIF dump ``request`` asks for, a refusal in words, or None where it asks for the page."""
    if "format" in request.args:
        media_type = FORMATS.get(request.args["format"].strip().lower())
        if media_type is None:
            return _plain(400, f"format={request.args['format']!r} is not one of: {', '.join(FORMATS)}.")
    else:
        media_type = choose(request.headers.get("Accept"), OFFERED)
        if media_type is None:
            return _plain(406, "The argument is offered as " + ", ".join(OFFERED) + " (the page, AIFdb JSON, "
                          "AIF-RDF in Turtle); the Accept header allows none of them.")
    return None if media_type == "text/html" else _dump(FILE_OF[media_type], media_type)


@bp.route("/argument.aif.json")
def aif_json():
    """The argument as AIFdb JSON."""
    return _dump(*AIF_DUMPS[0])


@bp.route("/argument.aif.ttl")
def aif_turtle():
    """The argument as AIF-RDF (Turtle)."""
    return _dump(*AIF_DUMPS[1])


def _dump(name: str, media_type: str) -> Response:
    folder = engine().settings.dataset.resolve()
    if not (folder / name).is_file():
        return _plain(404, f"{name} is not in this build of the dataset: run `natoasia build` to write it.")
    response = send_from_directory(folder, name, mimetype=media_type, max_age=300)
    response.vary.add("Accept")
    response.headers["Link"] = ", ".join(f'</argument.aif.{n.rsplit(".", 1)[1]}>; rel="alternate"; type="{m}"'
                                         for n, m in AIF_DUMPS)
    return response


def _plain(status: int, message: str) -> Response:
    response = Response(message + "\n", status=status, mimetype="text/plain")
    response.vary.add("Accept")
    return response
