"""The remote backend against a real Oxigraph server, compared answer for answer with the embedded backend.

The `oxigraph` package (test extra) ships the server binary. The module starts
`oxigraph serve --location <tmp> --bind 127.0.0.1:<port>`, loads the built dataset into it with
`recueil-kg push http://127.0.0.1:<port>/store` (SPARQL 1.1 Graph Store Protocol), then builds two
apps on the same data: the embedded one ({"ROOT": root}) and the remote one ({"STORE": "remote",
"REMOTE_QUERY_URL": ".../query"}). The same requests to /sparql and to the preset queries must give
the same answers from both. The server is stopped when the module ends.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic

from recueil_kg.app import close_app, create_app
from recueil_kg.namespaces import GRAPH_ASSERTED, GRAPH_INFERRED, GRAPH_ONTOLOGY, GRAPH_REFERENCE
from recueil_kg.presets import load_presets
from recueil_kg.store import ensure_built

from .conftest import ROOT

GRAPHS = {"ontology": str(GRAPH_ONTOLOGY), "asserted": str(GRAPH_ASSERTED), "reference": str(GRAPH_REFERENCE), "inferred": str(GRAPH_INFERRED)}
PREFIX = "PREFIX rkg: <https://w3id.org/recueil-kg/def#>\nPREFIX exp: <https://w3id.org/recueil-kg/id/experience/>\n"
DRIVE_BOIS_ANJOU = "https://w3id.org/recueil-kg/id/experience/drive-bois-anjou"
START_WITHIN_S = 30.0


# ------------------------------------------------------------------ the Oxigraph server

def oxigraph_binary() -> str | None:
    """The `oxigraph` executable: next to this Python (the venv's bin/) first, then on PATH."""
    here = Path(sys.executable).parent
    return shutil.which("oxigraph", path=os.pathsep.join([str(here), os.environ.get("PATH", "")]))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(base: str) -> bool:
    req = urllib.request.Request(f"{base}/query?query={urllib.parse.quote('ASK {}')}",
                                 headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(req, timeout=2) as resp:
            return resp.status == 200 and json.loads(resp.read())["boolean"] is True
    except (urllib.error.URLError, OSError, ValueError):
        return False


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("the oxigraph server binary was not found (pip install 'oxigraph>=0.5,<0.6', the test extra)")
    folder = tmp_path_factory.mktemp("oxigraph")
    log_path = folder / "server.log"
    for _attempt in range(3):  # the free port could be taken between probing and binding: try another
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        with open(log_path, "ab") as log:
            proc = subprocess.Popen([binary, "serve", "--location", str(folder / "data"), "--bind", f"127.0.0.1:{port}"],
                                    stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + START_WITHIN_S
        while time.monotonic() < deadline and proc.poll() is None and not answers(base):
            time.sleep(0.1)
        if proc.poll() is None and answers(base):
            break
        stop(proc)
    else:
        pytest.fail(f"oxigraph serve did not answer within {START_WITHIN_S:g} s:\n{log_path.read_text(errors='replace')[-2000:]}")
    yield base
    stop(proc)


@pytest.fixture(scope="module")
def pushed(oxigraph):
    ensure_built(ROOT, ROOT / "build")  # build once here; push then finds it fresh
    done = subprocess.run([sys.executable, "-m", "recueil_kg", "--root", str(ROOT), "push", f"{oxigraph}/store"],
                          capture_output=True, text=True, timeout=300, cwd=str(ROOT), check=False)
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def embedded():
    app = create_app({"ROOT": str(ROOT)})
    yield app.test_client()
    close_app(app)


@pytest.fixture(scope="module")
def remote(pushed, oxigraph):
    app = create_app({"ROOT": str(ROOT), "STORE": "remote", "REMOTE_QUERY_URL": f"{oxigraph}/query"})
    yield app.test_client()
    close_app(app)


# ------------------------------------------------------------------ comparing answers

def sparql_results(resp) -> dict:
    """A JSON results document with the run metadata kept (rows, truncation) but the timing dropped."""
    doc = json.loads(resp.data)
    meta = doc.pop("recueil", {})
    meta.pop("elapsed_ms", None)
    if "results" in doc:
        doc["results"]["bindings"] = sorted(doc["results"]["bindings"], key=lambda b: json.dumps(b, sort_keys=True))
    return {"doc": doc, "meta": meta}


def xml_results(body: bytes) -> tuple:
    """Variables and the multiset of result rows of a SPARQL XML results document."""
    ns = "{http://www.w3.org/2005/sparql-results#}"
    root = ET.fromstring(body)
    variables = [v.get("name") for v in root.iter(f"{ns}variable")]
    rows = sorted(tuple(sorted((b.get("name"), b[0].tag, b[0].text or "", tuple(sorted(b[0].attrib.items())))
                               for b in r.findall(f"{ns}binding")))
                  for r in root.iter(f"{ns}result"))
    return variables, rows


def same_answer(a, b, *, compare_body: bool = True) -> None:
    assert a.status_code == b.status_code, (a.status_code, a.data[:300], b.status_code, b.data[:300])
    assert a.mimetype == b.mimetype
    for h in ("X-Recueil-Rows", "X-Recueil-Truncated"):
        assert a.headers.get(h) == b.headers.get(h), h
    if a.status_code != 200:
        assert json.loads(a.data)["status"] == json.loads(b.data)["status"] == a.status_code
        return
    if not compare_body:
        return
    if a.mimetype == "application/sparql-results+json":
        assert sparql_results(a) == sparql_results(b)
    elif a.mimetype == "application/sparql-results+xml":
        assert xml_results(a.data) == xml_results(b.data)
    elif a.mimetype in ("text/csv", "text/tab-separated-values"):
        head_a, *rows_a = a.data.decode().splitlines()
        head_b, *rows_b = b.data.decode().splitlines()
        assert head_a == head_b and sorted(rows_a) == sorted(rows_b)
    else:
        fmt = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml", "application/ld+json": "json-ld"}[a.mimetype]
        ga, gb = rdflib.Graph().parse(data=a.data, format=fmt), rdflib.Graph().parse(data=b.data, format=fmt)
        assert len(ga) == len(gb) and isomorphic(ga, gb)


def get_both(embedded, remote, path: str, **kw):
    return embedded.open(path, **kw), remote.open(path, **kw)


# ------------------------------------------------------------------ the push

def test_push_loads_every_graph(pushed, oxigraph):
    manifest = json.loads((ROOT / "build" / "manifest.json").read_text())["triples"]
    expected = {GRAPHS[k]: n for k, n in manifest.items()}
    reported = dict(line.rsplit(": ", 1) for line in pushed.stdout.strip().splitlines())
    assert {g: int(n.split()[0]) for g, n in reported.items()} == expected
    q = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    req = urllib.request.Request(f"{oxigraph}/query?query={urllib.parse.quote(q)}", headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        rows = json.loads(resp.read())["results"]["bindings"]
    assert {r["g"]["value"]: int(r["n"]["value"]) for r in rows} == expected


# ------------------------------------------------------------------ /sparql, the same answers

SPARQL_REQUESTS = {
    "select-ordered": dict(method="GET", query_string={"query": PREFIX + "SELECT ?e ?t WHERE { ?e a rkg:Experience ; rkg:territory ?t } ORDER BY ?e ?t"}),
    "count-experiences-asserted-only": dict(method="GET", query_string={"query": PREFIX + "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a rkg:Experience }", "inferred": "false"}),
    "count-triples-with-inferred": dict(method="GET", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}),
    "count-triples-without-inferred": dict(method="GET", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "inferred": "false"}),
    "triples-per-graph": dict(method="GET", query_string={"query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"}),
    "ask": dict(method="GET", query_string={"query": PREFIX + "ASK { exp:usine-vivante rkg:territory <https://w3id.org/recueil-kg/id/territory/commune-26108> }"}),
    "construct-ntriples": dict(method="GET", headers={"Accept": "application/n-triples"},
                               query_string={"query": PREFIX + "CONSTRUCT { ?e rkg:territory ?t } WHERE { ?e rkg:territory ?t }"}),
    "describe-turtle": dict(method="GET", headers={"Accept": "text/turtle"}, query_string={"query": PREFIX + "DESCRIBE exp:usine-vivante"}),
    "dataset-parameters": dict(method="GET", query_string=[
        ("query", "SELECT ?g (COUNT(*) AS ?n) WHERE { { ?s ?p ?o BIND(\"default\" AS ?g) } UNION { GRAPH ?g { ?s ?p ?o } } } GROUP BY ?g"),
        ("default-graph-uri", GRAPHS["ontology"]), ("named-graph-uri", GRAPHS["reference"])]),
    "post-direct-csv": dict(method="POST", headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
                            data=PREFIX + "SELECT ?e ?label WHERE { ?e a rkg:Experience ; <http://www.w3.org/2000/01/rdf-schema#label> ?label }"),
    "post-form-xml": dict(method="POST", headers={"Accept": "application/sparql-results+xml"},
                          data={"query": PREFIX + "SELECT ?e WHERE { ?e a rkg:Experience }"}),
    "syntax-error": dict(method="GET", query_string={"query": "SELECT ?x WHERE { ?x"}),
    "update-refused": dict(method="POST", headers={"Content-Type": "application/sparql-update"}, data="CLEAR ALL"),
    "service-refused": dict(method="GET", query_string={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"}),
}


@pytest.mark.parametrize("name", list(SPARQL_REQUESTS))
def test_sparql_same_answer(embedded, remote, name):
    a, b = get_both(embedded, remote, "/sparql", **SPARQL_REQUESTS[name])
    same_answer(a, b)
    if name == "count-experiences-asserted-only":
        assert json.loads(b.data)["results"]["bindings"][0]["n"]["value"] == "17"


def test_sparql_row_cap_reported_alike(embedded, remote):
    """More rows than the cap: both stop at the cap and say so (which rows they kept may differ: no ORDER BY)."""
    a, b = get_both(embedded, remote, "/sparql", method="GET", query_string={"query": "SELECT * WHERE { ?s ?p ?o }", "inferred": "false"})
    same_answer(a, b, compare_body=False)
    assert b.headers["X-Recueil-Truncated"] == "true"
    assert int(b.headers["X-Recueil-Rows"]) == int(b.headers["X-Recueil-Row-Cap"]) == len(json.loads(b.data)["results"]["bindings"])


# ------------------------------------------------------------------ presets, the same answers

def test_preset_projects_by_programme_and_animation(embedded, remote):
    a, b = get_both(embedded, remote, "/queries/projects-by-programme-and-animation.json")
    same_answer(a, b)
    experiences = {row["experience"]["value"] for row in json.loads(b.data)["results"]["bindings"]}
    assert DRIVE_BOIS_ANJOU in experiences


PRESET_BUGS: dict[str, str] = {}  # remote answers must equal embedded ones for every preset
PRESETS = load_presets(ROOT / "queries")


def _preset_param(pid: str):
    marks = [pytest.mark.xfail(strict=True, reason=PRESET_BUGS[pid])] if pid in PRESET_BUGS else []
    return pytest.param(pid, id=pid, marks=marks)


@pytest.mark.parametrize("pid", [_preset_param(p) for p, preset in PRESETS.items() if not preset.federated])
def test_preset_same_answer(embedded, remote, pid):
    a, b = get_both(embedded, remote, f"/queries/{pid}.json")
    assert a.status_code == 200, a.data[:300]
    assert json.loads(a.data)["results"]["bindings"], "the embedded answer should not be empty"
    same_answer(a, b)


@pytest.mark.parametrize("path", [
    "/queries/experiences-by-programme.json?programme=prog:leader",
    "/queries/experiences-in-territory.json?territory=terr:commune-26108",
    "/queries/funding-totals-by-level.json?status=fstatus:granted",
    "/queries/experience-facts.csv?experience=exp:usine-vivante",
    "/queries/experiences-by-theme.json?theme=theme:nonexistent",
])
def test_preset_with_parameters_same_answer(embedded, remote, path):
    a, b = get_both(embedded, remote, path)
    same_answer(a, b)


def test_preset_federated_refused_alike(embedded, remote):
    same_answer(*get_both(embedded, remote, "/queries/wikidata-territories.json"))


# ------------------------------------------------------------------ a remote store that is gone

def test_unreachable_remote_store_is_a_502():
    app = create_app({"ROOT": str(ROOT), "STORE": "remote", "REMOTE_QUERY_URL": f"http://127.0.0.1:{free_port()}/query"})
    resp = app.test_client().get("/sparql", query_string={"query": "ASK {}"})
    assert resp.status_code == 502
    assert json.loads(resp.data)["status"] == 502
