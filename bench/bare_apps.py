"""Two deliberately bare SPARQL endpoints, for bench/ceiling.py only (never served by the project).

Both answer `POST /query` (form-encoded `query=`) by evaluating the query in the HTTP process itself
on an in-memory copy of the store, union default graph, serialised by pyoxigraph (SPARQL JSON, or
N-Triples for graph results). They have none of the endpoint's duties: no guard against SERVICE or
updates, no deadline, no row cap, no metadata, no content negotiation beyond JSON/N-Triples. They
measure what the HTTP layer alone costs: a plain WSGI callable, and the same behind Flask.

    granian --interface wsgi --factory bench.bare_apps:wsgi_app      (RECUEIL_STORE_PATH=<store>)
    granian --interface wsgi --factory bench.bare_apps:flask_app
"""
from __future__ import annotations

import os
import urllib.parse

JSON = "application/sparql-results+json"
NT = "application/n-triples"


def _store():
    import pyoxigraph as ox

    disk = ox.Store.read_only(os.environ["RECUEIL_STORE_PATH"])
    memory = ox.Store()
    memory.bulk_extend(disk.quads_for_pattern(None, None, None, None))
    return memory


def _answer(store, query: str) -> tuple[bytes, str]:
    import pyoxigraph as ox

    results = store.query(query, use_default_graph_as_union=True)
    if isinstance(results, ox.QueryTriples):
        return results.serialize(format=ox.RdfFormat.N_TRIPLES), NT
    return results.serialize(format=ox.QueryResultsFormat.JSON), JSON


def wsgi_app():
    store = _store()

    def app(environ, start_response):
        size = int(environ.get("CONTENT_LENGTH") or 0)
        form = urllib.parse.parse_qs(environ["wsgi.input"].read(size).decode("utf-8"))
        try:
            body, media = _answer(store, form["query"][0])
        except (KeyError, SyntaxError, OSError, ValueError, RuntimeError) as e:
            start_response("400 Bad Request", [("Content-Type", "text/plain")])
            return [str(e).encode()]
        start_response("200 OK", [("Content-Type", media), ("Content-Length", str(len(body)))])
        return [body]

    return app


def flask_app():
    from flask import Flask, Response, request

    store = _store()
    app = Flask(__name__)

    @app.post("/query")
    def query():
        try:
            body, media = _answer(store, request.form["query"])
        except (KeyError, SyntaxError, OSError, ValueError, RuntimeError) as e:
            return Response(str(e), status=400, content_type="text/plain")
        return Response(body, content_type=media)

    return app
