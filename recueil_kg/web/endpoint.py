"""The SPARQL 1.1 Protocol endpoint at /sparql (query only; the store is read-only)."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request

from ..errors import RecueilError
from ..guard import check_query, query_words
from ..namespaces import PREFIXES, dataset_graphs
from ..results import MEDIA, negotiate
from .description import service_description
from .errors import wants_html

bp = Blueprint("endpoint", __name__)
FORMS = {"SELECT": "solutions", "ASK": "solutions", "CONSTRUCT": "graph", "DESCRIBE": "graph"}


def query_kind(text: str) -> str:
    for w in query_words(text):
        if w in FORMS:
            return FORMS[w]
    return "solutions"


def read_protocol_request() -> tuple[str | None, list[str], list[str]]:
    """The query and the protocol's dataset parameters, as the SPARQL 1.1 Protocol defines them."""
    ctype = (request.mimetype or "").lower()
    if request.method == "POST" and ctype == "application/sparql-update" or "update" in request.values:
        raise RecueilError("SPARQL Update is not allowed: this endpoint is read-only", status=403)
    url_dgu, url_ngu = request.args.getlist("default-graph-uri"), request.args.getlist("named-graph-uri")
    if request.method == "GET":
        queries = request.args.getlist("query")
        dgu, ngu = url_dgu, url_ngu
    elif ctype == "application/x-www-form-urlencoded":
        queries = request.form.getlist("query")
        if request.args.getlist("query"):
            raise RecueilError("send the query either in the URL or in the form body, not both", status=400)
        dgu, ngu = request.form.getlist("default-graph-uri") or url_dgu, request.form.getlist("named-graph-uri") or url_ngu
    elif ctype == "application/sparql-query":
        try:
            queries = [request.get_data(cache=False).decode("utf-8")]
        except UnicodeDecodeError:
            raise RecueilError("the query body is not UTF-8", status=400) from None
        if request.args.getlist("query"):
            raise RecueilError("a query in the URL and another in the body: send only one", status=400)
        dgu, ngu = url_dgu, url_ngu
    elif request.method == "POST":
        raise RecueilError(f"unsupported Content-Type {ctype or '(none)'}; use application/x-www-form-urlencoded or application/sparql-query", status=415)
    else:
        queries, dgu, ngu = [], [], []
    if len(queries) > 1:
        raise RecueilError("more than one query parameter", status=400)
    return (queries[0] if queries else None), dgu, ngu


def run(query: str, fmt: str, dgu: list[str], ngu: list[str], include_inferred: bool, *,
        substitutions: dict | None = None, offset: int = 0, cap: int | None = None, allow_federation: bool = False) -> dict:
    ext = current_app.extensions["recueil"]
    cfg = ext["config"]
    check_query(query, allow_federation=allow_federation)
    if dgu or ngu:  # the protocol's dataset: exactly the graphs named, the others empty
        default, named = list(dgu), list(ngu)
    else:
        default, named = dataset_graphs(include_inferred), dataset_graphs(True)
    job = {"query": query, "format": fmt, "cap": min(cap or cfg["ROW_CAP"], cfg["ROW_CAP"]), "offset": offset,
           "default_graph": default, "named_graphs": named, "substitutions": substitutions or {},
           "extra": fmt == "json", "prefixes": PREFIXES, "base_iri": request.base_url}
    return ext["backend"].run(job, cfg["DEADLINE"])


def result_response(answer: dict, fmt: str) -> Response:
    media = MEDIA[fmt]
    if media.startswith("text/") or media in ("application/n-triples", "application/n-quads", "application/trig"):
        media += "; charset=utf-8"
    resp = Response(answer["body"], status=200, content_type=media)
    resp.headers["X-Recueil-Query-Time-Ms"] = f"{answer['elapsed_ms']:.3f}"
    resp.headers["X-Recueil-Rows"] = str(answer["rows"])
    resp.headers["X-Recueil-Truncated"] = "true" if answer["truncated"] else "false"
    resp.headers["X-Recueil-Row-Cap"] = str(current_app.extensions["recueil"]["config"]["ROW_CAP"])
    resp.headers["X-Recueil-Cache"] = "hit" if answer.get("cached") else "miss"
    resp.headers["Vary"] = "Accept"
    return resp


def flag(name: str, default: bool = True) -> bool:
    value = request.values.get(name)
    if value is None:
        return default
    if value.lower() in ("true", "1", "yes", "on"):
        return True
    if value.lower() in ("false", "0", "no", "off"):
        return False
    raise RecueilError(f"parameter {name!r} must be true or false", status=400)


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def sparql():
    if request.method == "OPTIONS":
        return Response(status=204)
    query, dgu, ngu = read_protocol_request()
    if query is None:
        if wants_html():
            return render_template("web/sparql.html", presets=current_app.extensions["recueil"]["presets"])
        return service_description()
    kind = query_kind(query)
    if not request.values.get("format") and wants_html():
        import json

        fmt = "json" if kind == "solutions" else "turtle"
        answer = run(query, fmt, dgu, ngu, flag("inferred"))
        result = json.loads(answer["body"]) if fmt == "json" else None
        return render_template("web/results.html", query=query, answer=answer, result=result,
                               text=None if result is not None else answer["body"].decode("utf-8"))
    fmt = negotiate(kind, request.headers.get("Accept"), request.values.get("format"))
    answer = run(query, fmt, dgu, ngu, flag("inferred"))
    return result_response(answer, fmt)
