"""One error shape for every failure, as JSON or HTML by negotiation."""
from __future__ import annotations

import logging

from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException

from ..errors import RecueilError
from ..results import parse_accept

log = logging.getLogger("recueil_kg")


def wants_html() -> bool:
    for media, _q in parse_accept(request.headers.get("Accept")):
        if media in ("text/html", "application/xhtml+xml"):
            return True
        if media in ("application/json", "application/sparql-results+json", "*/*") or media.endswith("+json"):
            return False
    return False


def respond(err: RecueilError):
    body = err.to_dict()
    if wants_html():
        resp = render_template("web/error.html", error=body), err.status
    else:
        resp = body, err.status
    return resp


def register(app: Flask) -> None:
    @app.errorhandler(RecueilError)
    def _recueil(err: RecueilError):
        return respond(err)

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        messages = {413: "the request body is larger than the configured limit",
                    414: "the URL is longer than the configured limit; send the query with POST",
                    404: "no such page or resource", 405: f"method {request.method} is not allowed here"}
        return respond(RecueilError(messages.get(err.code, err.description or err.name), status=err.code or 500))

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        log.exception("unexpected error on %s", request.path)
        return respond(RecueilError("internal error; it has been logged", status=500))

    @app.before_request
    def _limits():
        limit = app.config["RECUEIL_MAX_URL_BYTES"]
        if len(request.environ.get("QUERY_STRING", "")) + len(request.path) > limit:
            raise RecueilError(f"the URL is longer than {limit} bytes; send the query with POST", status=414)

    @app.after_request
    def _cors(resp):
        resp.headers.setdefault("Access-Control-Allow-Origin", "*")
        resp.headers.setdefault("Access-Control-Expose-Headers", "X-Recueil-Query-Time-Ms, X-Recueil-Rows, X-Recueil-Truncated, X-Recueil-Row-Cap, X-Recueil-Cache")
        if request.method == "OPTIONS":
            resp.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            resp.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept"
        return resp
