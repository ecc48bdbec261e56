"""The SPARQL endpoint through the Flask test client: protocol, negotiation, limits, and attacks."""
from __future__ import annotations

import socket
import threading
import urllib.parse

import pytest

from recueil_kg.app import close_app, create_app

from .conftest import ROOT

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?e a <https://w3id.org/recueil-kg/def#Experience> }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CONSTRUCT = "CONSTRUCT { ?e a <https://w3id.org/recueil-kg/def#Experience> } WHERE { ?e a <https://w3id.org/recueil-kg/def#Experience> }"


@pytest.fixture(scope="module")
def app():
    app = create_app({"ROOT": str(ROOT), "ROW_CAP": 50, "DEADLINE": 2, "WORKERS": 2, "MAX_QUERY_BYTES": 20_000, "MAX_URL_BYTES": 4000})
    yield app
    close_app(app)


@pytest.fixture()
def client(app):
    return app.test_client()


def get(client, query, **kw):
    headers = kw.pop("headers", {})
    return client.get("/sparql?" + urllib.parse.urlencode({"query": query, **kw}), headers=headers)


def count_of(resp) -> int:
    return int(resp.get_json()["results"]["bindings"][0]["n"]["value"])


# ------------------------------------------------------------------ protocol

def test_get_post_form_and_post_direct_agree(client):
    a = get(client, COUNT)
    b = client.post("/sparql", data={"query": COUNT})
    c = client.post("/sparql", data=COUNT.encode(), content_type="application/sparql-query")
    assert a.status_code == b.status_code == c.status_code == 200
    assert count_of(a) == count_of(b) == count_of(c) == 17


@pytest.mark.parametrize("accept,media,probe", [
    ("application/sparql-results+json", "application/sparql-results+json", b'"bindings"'),
    ("application/sparql-results+xml", "application/sparql-results+xml", b"<sparql"),
    ("text/csv", "text/csv", b"n\r\n17"),
    ("text/tab-separated-values", "text/tab-separated-values", b"?n\n17"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml", b"<literal"),
    ("application/json", "application/sparql-results+json", b'"17"'),
    ("*/*", "application/sparql-results+json", b'"17"'),
])
def test_select_negotiation_with_q_values(client, accept, media, probe):
    r = get(client, COUNT, headers={"Accept": accept})
    assert r.status_code == 200 and r.mimetype == media and probe in r.data


@pytest.mark.parametrize("fmt,media", [("csv", "text/csv"), ("tsv", "text/tab-separated-values"), ("xml", "application/sparql-results+xml"), ("json", "application/sparql-results+json")])
def test_format_parameter_overrides_accept(client, fmt, media):
    r = get(client, COUNT, format=fmt, headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.mimetype == media


@pytest.mark.parametrize("accept,media,probe", [
    (None, "text/turtle", b"rkg:Experience"),
    ("application/n-triples", "application/n-triples", b"<https://w3id.org/recueil-kg/def#Experience> ."),
    ("application/ld+json", "application/ld+json", b'"@id"'),
    ("application/rdf+xml", "application/rdf+xml", b"rdf:RDF"),
])
def test_construct_negotiation(client, accept, media, probe):
    r = get(client, CONSTRUCT, headers={"Accept": accept} if accept else {})
    assert r.status_code == 200 and r.mimetype == media and probe in r.data


def test_unacceptable_media_type_is_406(client):
    r = get(client, COUNT, headers={"Accept": "image/png"})
    assert r.status_code == 406 and "offered" in r.get_json()["message"]


def test_ask(client):
    r = get(client, "ASK { ?s a <https://w3id.org/recueil-kg/def#Experience> }")
    assert r.get_json()["boolean"] is True


def test_service_description_without_query(client):
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    text = r.data.decode()
    assert "sd:Service" in text and "void:triples" in text and "queries/projects-by-programme-and-animation" in text


def test_inferred_switch_and_default_graph_uri(client):
    q = "ASK { <https://w3id.org/recueil-kg/id/experience/usine-vivante> <https://w3id.org/recueil-kg/def#inTerritory> <https://w3id.org/recueil-kg/id/territory/region-84> }"
    assert get(client, q).get_json()["boolean"] is True
    assert get(client, q, inferred="false").get_json()["boolean"] is False
    only_asserted = client.get("/sparql?" + urllib.parse.urlencode({"query": q, "default-graph-uri": "https://w3id.org/recueil-kg/graph/asserted"}))
    assert only_asserted.get_json()["boolean"] is False


def test_named_graphs_are_queryable(client):
    r = get(client, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    graphs = {b["g"]["value"] for b in r.get_json()["results"]["bindings"]}
    assert {"https://w3id.org/recueil-kg/graph/asserted", "https://w3id.org/recueil-kg/graph/inferred"} <= graphs


def test_cors_on_reads(client):
    r = get(client, COUNT, headers={"Origin": "http://example.org"})
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert client.options("/sparql").status_code == 204


# ------------------------------------------------------------------ every response reports time, rows, truncation

def test_metadata_headers_and_json_field(client):
    r = get(client, COUNT)
    assert r.headers["X-Recueil-Rows"] == "1" and r.headers["X-Recueil-Truncated"] == "false"
    assert float(r.headers["X-Recueil-Query-Time-Ms"]) >= 0
    meta = r.get_json()["recueil"]
    assert meta["rows"] == 1 and meta["truncated"] is False


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_row_cap_is_reported_never_silent(client, fmt):
    r = get(client, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", format=fmt)
    assert r.status_code == 200
    assert r.headers["X-Recueil-Truncated"] == "true" and r.headers["X-Recueil-Rows"] == "50"
    if fmt == "json":
        assert r.get_json()["recueil"]["truncated"] is True and len(r.get_json()["results"]["bindings"]) == 50
    else:
        assert r.data.count(b"\r\n") == 51


def test_graph_results_are_capped_too(client):
    r = get(client, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", format="ntriples")
    assert r.headers["X-Recueil-Truncated"] == "true" and r.data.count(b" .\n") == 50


# ------------------------------------------------------------------ errors

def test_malformed_query_gives_parser_message_and_position(client):
    r = get(client, "SELECT ?x WHERE { ?x ?y }")
    body = r.get_json()
    assert r.status_code == 400 and body["error"] == "RecueilError"
    assert "syntax" in body["message"].lower() and any(ch.isdigit() for ch in body["message"])


def test_body_too_large_is_413(client):
    r = client.post("/sparql", data=("#" * 30_000 + "\n" + COUNT).encode(), content_type="application/sparql-query")
    assert r.status_code == 413 and r.get_json()["status"] == 413


def test_url_too_long_is_414(client):
    r = get(client, "#" * 5000 + "\n" + COUNT)
    assert r.status_code == 414


def test_unsupported_content_type_is_415(client):
    assert client.post("/sparql", data=COUNT, content_type="text/plain").status_code == 415


def test_wrong_method_is_405_with_error_shape(client):
    r = client.put("/sparql", data=COUNT)
    assert r.status_code == 405 and set(r.get_json()) >= {"error", "message", "status"}


def test_errors_are_html_for_browsers(client):
    r = get(client, "SELECT", headers={"Accept": "text/html"})
    assert r.status_code == 400 and r.mimetype == "text/html" and b"Erreur 400" in r.data


# ------------------------------------------------------------------ attacks: refused before evaluation

@pytest.fixture()
def listener():
    """A TCP listener on 127.0.0.1 that counts the connections it receives."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    srv.settimeout(0.2)
    hits = []
    stop = threading.Event()

    def loop():
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
                hits.append(1)
                conn.close()
            except OSError:
                pass

    t = threading.Thread(target=loop, daemon=True)
    t.start()
    yield srv.getsockname()[1], hits
    stop.set()
    t.join(2)
    srv.close()


SERVICE_ATTACKS = [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:{port}/sparql> { ?s ?p ?o } }",
    "select * where { service <http://127.0.0.1:{port}/> { ?s ?p ?o } }",
    "SELECT * WHERE { ?x ?y ?z . OPTIONAL { SeRvIcE SILENT <http://127.0.0.1:{port}/> { ?s ?p ?o } } }",
    "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:{port}/> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVIC\\u0045 <http://127.0.0.1:{port}/> { ?s ?p ?o } }",
    "PREFIX s: <http://127.0.0.1:{port}/> SELECT * WHERE { SERVICE s: { ?s ?p ?o } }",
    "SELECT * WHERE { # comment\n SERVICE\n<http://127.0.0.1:{port}/> { ?s ?p ?o } }",
    "SELECT * FROM <http://127.0.0.1:{port}/data.ttl> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <http://127.0.0.1:{port}/data.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "select * from <file:///etc/passwd> where { ?s ?p ?o }",
]
UPDATE_ATTACKS = [
    "LOAD <http://127.0.0.1:{port}/data.ttl>",
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "CLEAR ALL",
    "DROP GRAPH <https://w3id.org/recueil-kg/graph/asserted>",
    "DELETE WHERE { ?s ?p ?o }",
    "\\u004cOAD <http://127.0.0.1:{port}/x>",
]


@pytest.mark.parametrize("attack", SERVICE_ATTACKS + UPDATE_ATTACKS)
@pytest.mark.parametrize("method", ["get", "form", "direct"])
def test_network_and_file_access_refused_before_evaluation(client, listener, attack, method):
    port, hits = listener
    q = attack.replace("{port}", str(port))
    if method == "get":
        r = get(client, q)
    elif method == "form":
        r = client.post("/sparql", data={"query": q})
    else:
        r = client.post("/sparql", data=q.encode(), content_type="application/sparql-query")
    assert r.status_code == 403, r.data
    assert hits == []


def test_update_operation_refused(client, listener):
    port, hits = listener
    r = client.post("/sparql", data={"update": f"LOAD <http://127.0.0.1:{port}/>"})
    assert r.status_code == 403
    r = client.post("/sparql", data=f"LOAD <http://127.0.0.1:{port}/>".encode(), content_type="application/sparql-update")
    assert r.status_code == 403 and hits == []


def test_keywords_inside_strings_iris_and_variables_are_not_refused(client):
    q = 'SELECT ?service ?from WHERE { BIND("SERVICE FROM LOAD" AS ?service) BIND(<http://example.org/SERVICE> AS ?from) } # SERVICE'
    r = get(client, q)
    assert r.status_code == 200 and "SERVICE FROM LOAD" in r.data.decode()


def test_guard_alone_would_be_needed(tmp_path, listener):
    """Without the guard the engine does reach the network: the check above is what stops it."""
    import pyoxigraph as ox

    port, hits = listener
    try:
        list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"))
    except (OSError, RuntimeError, ValueError):  # the fake listener answers nothing SPARQL can read
        pass
    assert hits, "pyoxigraph did not connect: this test no longer proves the guard is needed"


# ------------------------------------------------------------------ deadline

def test_runaway_query_is_stopped_and_others_still_answer(app):
    client_a, client_b = app.test_client(), app.test_client()
    result = {}

    def slow():
        result["slow"] = get(client_a, RUNAWAY)

    t = threading.Thread(target=slow)
    t.start()
    try:
        threading.Event().wait(0.3)  # let the runaway query start in a worker
        quick = get(client_b, COUNT)
        assert quick.status_code == 200 and count_of(quick) == 17
        assert t.is_alive(), "the trivial query should have answered while the runaway one was still running"
    finally:
        t.join(30)
    slow_resp = result["slow"]
    assert slow_resp.status_code == 503 and "deadline" in slow_resp.get_json()["message"]
    again = get(client_a, COUNT)  # the killed worker was replaced
    assert again.status_code == 200 and count_of(again) == 17


@pytest.mark.parametrize("query", [
    "SELECT (COUNT(*) AS ?n) WHERE { ?s (<http://x/p>|!<http://x/p>)* ?o . ?o (<http://x/p>|!<http://x/p>)* ?z . ?z ?p ?w }",
    'SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f FILTER(REGEX(CONCAT(STR(?c), STR(?f)), "^(a+)+$")) }',
])
def test_other_runaway_shapes_are_stopped(client, query):
    r = get(client, query)
    assert r.status_code in (200, 503)
    if r.status_code == 503:
        assert "deadline" in r.get_json()["message"]
