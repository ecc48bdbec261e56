"""Real SPARQL clients against the live app on the real data: SPARQLWrapper and rdflib's SPARQLStore.

One server for the module: the app with {"ROOT": project root} (it builds build/store when the
sources changed), served by `recueil-kg serve` on 127.0.0.1. The answers checked are facts of the booklet: 17
experiences, and the experience "usine-vivante" is located in the commune 26108.
"""
from __future__ import annotations

import csv
import io

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, POST, RDFXML, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from .live import LiveServer

RKG = rdflib.Namespace("https://w3id.org/recueil-kg/def#")
USINE_VIVANTE = rdflib.URIRef("https://w3id.org/recueil-kg/id/experience/usine-vivante")
COMMUNE_26108 = rdflib.URIRef("https://w3id.org/recueil-kg/id/territory/commune-26108")
PREFIX = "PREFIX rkg: <https://w3id.org/recueil-kg/def#>\n"
COUNT_EXPERIENCES = PREFIX + "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a rkg:Experience }"
TERRITORIES_OF_USINE = PREFIX + f"SELECT ?t WHERE {{ <{USINE_VIVANTE}> rkg:territory ?t }}"
TERRITORY_GRAPH = PREFIX + "CONSTRUCT { ?e rkg:territory ?t } WHERE { ?e a rkg:Experience ; rkg:territory ?t }"
COUNT_TERRITORY_LINKS = PREFIX + "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?e ?t WHERE { ?e a rkg:Experience ; rkg:territory ?t } }"


@pytest.fixture(scope="module")
def live(live_site):
    return live_site


def wrapper(live: LiveServer, query: str, fmt=None, method=None) -> SPARQLWrapper:
    w = SPARQLWrapper(live.sparql)
    w.setQuery(query)
    if fmt is not None:
        w.setReturnFormat(fmt)
    if method is not None:
        w.setMethod(method)
    w.setTimeout(60)
    return w


@pytest.fixture(scope="module")
def territory_links(live) -> int:
    doc = wrapper(live, COUNT_TERRITORY_LINKS, JSON).queryAndConvert()
    n = int(doc["results"]["bindings"][0]["n"]["value"])
    assert n >= 17
    return n


# ------------------------------------------------------------------ SPARQLWrapper, SELECT and ASK

@pytest.mark.parametrize("method", ["GET", POST])
def test_sparqlwrapper_json_select(live, method):
    result = wrapper(live, COUNT_EXPERIENCES, JSON, method).query()
    assert result.response.headers["Content-Type"].startswith("application/sparql-results+json")
    doc = result.convert()
    assert doc["head"]["vars"] == ["n"]
    (row,) = doc["results"]["bindings"]
    assert row["n"] == {"type": "literal", "value": "17", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}


def test_sparqlwrapper_json_bindings(live):
    doc = wrapper(live, TERRITORIES_OF_USINE, JSON).queryAndConvert()
    assert {"type": "uri", "value": str(COMMUNE_26108)} in [b["t"] for b in doc["results"]["bindings"]]


def test_sparqlwrapper_xml_select(live):
    result = wrapper(live, COUNT_EXPERIENCES, XML).query()
    assert result.response.headers["Content-Type"].startswith("application/sparql-results+xml")
    dom = result.convert()  # an xml.dom.minidom document
    (binding,) = dom.getElementsByTagName("binding")
    assert binding.getAttribute("name") == "n"
    (literal,) = binding.getElementsByTagName("literal")
    assert literal.firstChild.data == "17"
    assert literal.getAttribute("datatype") == "http://www.w3.org/2001/XMLSchema#integer"
    dom = wrapper(live, TERRITORIES_OF_USINE, XML).queryAndConvert()
    assert str(COMMUNE_26108) in [u.firstChild.data for u in dom.getElementsByTagName("uri")]


def test_sparqlwrapper_csv_select(live):
    result = wrapper(live, PREFIX + "SELECT ?e ?t WHERE { ?e a rkg:Experience ; rkg:territory ?t } ORDER BY ?e ?t", CSV).query()
    assert result.response.headers["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(result.convert().decode("utf-8"))))
    assert table[0] == ["e", "t"]
    assert [str(USINE_VIVANTE), str(COMMUNE_26108)] in table[1:]
    assert len({row[0] for row in table[1:]}) == 17


def test_sparqlwrapper_ask(live):
    yes = PREFIX + f"ASK {{ <{USINE_VIVANTE}> rkg:territory <{COMMUNE_26108}> }}"
    no = PREFIX + f"ASK {{ <{USINE_VIVANTE}> rkg:territory <https://w3id.org/recueil-kg/id/territory/commune-00000> }}"
    assert wrapper(live, yes, JSON).queryAndConvert()["boolean"] is True
    assert wrapper(live, no, JSON).queryAndConvert()["boolean"] is False


def test_sparqlwrapper_bad_query_is_reported_as_such(live):
    with pytest.raises(QueryBadFormed):
        wrapper(live, "SELECT ?x WHERE { ?x ", JSON).query()


# ------------------------------------------------------------------ SPARQLWrapper, CONSTRUCT

def _check_territory_graph(g: rdflib.Graph, territory_links: int) -> None:
    assert (USINE_VIVANTE, RKG.territory, COMMUNE_26108) in g
    assert len(g) == territory_links
    assert set(g.predicates()) == {RKG.territory}


def test_sparqlwrapper_construct_turtle(live, territory_links):
    result = wrapper(live, TERRITORY_GRAPH, TURTLE).query()
    assert result.response.headers["Content-Type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=result.convert(), format="turtle")
    _check_territory_graph(g, territory_links)


def test_sparqlwrapper_construct_jsonld(live, territory_links):
    g = wrapper(live, TERRITORY_GRAPH, JSONLD).queryAndConvert()  # SPARQLWrapper parses JSON-LD into an rdflib graph
    _check_territory_graph(g, territory_links)


def test_sparqlwrapper_construct_rdfxml_by_content_negotiation_only(live, territory_links):
    w = wrapper(live, TERRITORY_GRAPH, RDFXML)
    w.setOnlyConneg(True)  # no format=/output=/results= parameters: the Accept header alone
    g = w.queryAndConvert()
    _check_territory_graph(g, territory_links)


def test_sparqlwrapper_construct_default_format(live, territory_links):
    g = wrapper(live, TERRITORY_GRAPH).queryAndConvert()  # SPARQLWrapper's default return format (XML)
    _check_territory_graph(g, territory_links)


def test_sparqlwrapper_construct_rdfxml(live, territory_links):
    g = wrapper(live, TERRITORY_GRAPH, RDFXML).queryAndConvert()
    _check_territory_graph(g, territory_links)


# ------------------------------------------------------------------ rdflib SPARQLStore

@pytest.fixture(scope="module")
def remote_graph(live):
    store = SPARQLStore(live.sparql, returnFormat="xml", timeout=60)
    yield rdflib.Graph(store=store)
    store.close()


def test_sparqlstore_select(remote_graph):
    (row,) = list(remote_graph.query(COUNT_EXPERIENCES))
    assert row.n == rdflib.Literal(17)
    territories = {r.t for r in remote_graph.query(TERRITORIES_OF_USINE)}
    assert COMMUNE_26108 in territories


def test_sparqlstore_select_with_init_bindings(remote_graph):
    rows = remote_graph.query(PREFIX + "SELECT ?t WHERE { ?e rkg:territory ?t }", initBindings={"e": USINE_VIVANTE})
    assert COMMUNE_26108 in {r.t for r in rows}


def test_sparqlstore_ask(remote_graph):
    assert remote_graph.query(PREFIX + f"ASK {{ <{USINE_VIVANTE}> rkg:territory <{COMMUNE_26108}> }}").askAnswer is True
    assert remote_graph.query(PREFIX + f"ASK {{ <{COMMUNE_26108}> rkg:territory <{USINE_VIVANTE}> }}").askAnswer is False


def test_sparqlstore_json_results(live):
    store = SPARQLStore(live.sparql, returnFormat="json", timeout=60)
    try:
        (row,) = list(store.query(COUNT_EXPERIENCES))
        assert int(row[0]) == 17
    finally:
        store.close()


# ------------------------------------------------------------------ another SPARQL engine federating with us

def test_pyoxigraph_federates_with_the_endpoint_through_service(live):
    """Another engine's SERVICE call reads our SPARQL JSON (with its "recueil" report member) as plain results."""
    import pyoxigraph as ox

    local = ox.Store()
    query = PREFIX + f"SELECT ?t WHERE {{ SERVICE <{live.sparql}> {{ <{USINE_VIVANTE}> rkg:territory ?t }} }}"
    rows = [s["t"] for s in local.query(query)]
    assert ox.NamedNode(str(COMMUNE_26108)) in rows
