"""The Service Description (with VoID statistics and the list of presets) of the endpoint."""
from __future__ import annotations

from io import BytesIO

import pyoxigraph as ox
from flask import Response, current_app, request

from ..namespaces import PREFIXES
from ..results import GRAPH_TYPES, RDF_FORMATS, SOLUTION_TYPES, negotiate

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
RDF = PREFIXES["rdf"]
DCT = PREFIXES["dcterms"]
RKG = PREFIXES["rkg"]
RESULT_FORMAT_IRIS = {
    "application/sparql-results+json": "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    "application/sparql-results+xml": "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    "text/csv": "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    "text/tab-separated-values": "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    "text/turtle": "http://www.w3.org/ns/formats/Turtle",
    "application/n-triples": "http://www.w3.org/ns/formats/N-Triples",
    "application/ld+json": "http://www.w3.org/ns/formats/JSON-LD",
    "application/rdf+xml": "http://www.w3.org/ns/formats/RDF_XML",
}


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def build_description(endpoint_url: str, base: str) -> list:
    ext = current_app.extensions["recueil"]
    stats = ext["catalogue"].stats()
    t, svc, ds = [], _n(endpoint_url), ox.BlankNode("dataset")
    add = lambda s, p, o: t.append(ox.Triple(s, _n(p), o))
    add(svc, RDF + "type", _n(SD + "Service"))
    add(svc, SD + "endpoint", svc)
    add(svc, SD + "supportedLanguage", _n(SD + "SPARQL11Query"))
    for f in RESULT_FORMAT_IRIS.values():
        add(svc, SD + "resultFormat", _n(f))
    add(svc, SD + "feature", _n(SD + "UnionDefaultGraph"))
    add(svc, SD + "defaultDataset", ds)
    add(ds, RDF + "type", _n(SD + "Dataset"))
    add(ds, RDF + "type", _n(VOID + "Dataset"))
    add(ds, DCT + "title", ox.Literal("recueil-kg : expériences numériques et développement rural", language="fr"))
    add(ds, VOID + "sparqlEndpoint", svc)
    total = sum(stats["graphs"].values())
    add(ds, VOID + "triples", ox.Literal(str(total), datatype=_n(PREFIXES["xsd"] + "integer")))
    for g, n in stats["graphs"].items():
        ng = ox.BlankNode()
        add(ds, SD + "namedGraph", ng)
        add(ng, SD + "name", _n(g))
        gg = ox.BlankNode()
        add(ng, SD + "graph", gg)
        add(gg, RDF + "type", _n(SD + "Graph"))
        add(gg, VOID + "triples", ox.Literal(str(n), datatype=_n(PREFIXES["xsd"] + "integer")))
    for c, n in list(stats["classes"].items())[:200]:
        part = ox.BlankNode()
        add(ds, VOID + "classPartition", part)
        add(part, VOID + "class", _n(c))
        add(part, VOID + "entities", ox.Literal(str(n), datatype=_n(PREFIXES["xsd"] + "integer")))
    for p, n in list(stats["properties"].items())[:300]:
        part = ox.BlankNode()
        add(ds, VOID + "propertyPartition", part)
        add(part, VOID + "property", _n(p))
        add(part, VOID + "triples", ox.Literal(str(n), datatype=_n(PREFIXES["xsd"] + "integer")))
    for pid, preset in ext["presets"].items():
        node = _n(f"{base}queries/{pid}")
        add(svc, RKG + "preset", node)
        add(node, DCT + "title", ox.Literal(preset.title["fr"], language="fr"))
        add(node, DCT + "title", ox.Literal(preset.title["en"], language="en"))
    return t


def service_description() -> Response:
    fmt = negotiate("graph", request.headers.get("Accept"), request.values.get("format"))
    base = request.host_url
    triples = build_description(base + "sparql", base)
    out = BytesIO()
    kwargs = {"prefixes": {"sd": SD, "void": VOID, "dcterms": DCT, "rkg": RKG}} if fmt in ("turtle", "trig", "rdfxml") else {}
    if fmt in ("nquads", "trig"):
        triples = [ox.Quad(x.subject, x.predicate, x.object, ox.DefaultGraph()) for x in triples]
    ox.serialize(triples, out, format=RDF_FORMATS[fmt], **kwargs)
    media = next(m for m, f in GRAPH_TYPES.items() if f == fmt)
    return Response(out.getvalue(), content_type=media + ("; charset=utf-8" if media.startswith("text/") else ""), headers={"Vary": "Accept"})


__all__ = ["SOLUTION_TYPES", "service_description"]
